/**
 * Shared steps of the tickets tests: operations run as one caller (through the gateway or in
 * process), and orders' events faked by writing them into the outbox as orders would.
 */
import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../shared/auth/tokens';
import { inTransaction, type Db } from '../../../shared/db';
import { emit } from '../../../shared/events/outbox';
import { eventually } from '../../../test/helpers/eventually';
import type { OperationData, Stack } from '../../../test/helpers/stack';
import type { InProcessSubgraph } from '../../../test/helpers/subgraph';
import { ORDER_EVENTS_CONSUMER } from '../src/workers';

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export const EVENT_FIELDS = `id title status startsAt venue { name city country } organizer { id } ticketTypes { id name priceCents }`;

export function eventInput(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Jazz night',
    description: 'Live jazz',
    venue: { name: 'Blue Hall', address: 'Calle Mayor 1', city: 'Madrid', country: 'es' },
    startsAt: inDays(30),
    endsAt: inDays(30.2),
    timezone: 'Europe/Madrid',
    ...overrides,
  };
}

/** The answer of one operation, however it was run (read loosely, like `stack.gql`'s). */
interface Answer {
  data?: OperationData | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs operations as one caller: through the gateway (`viaGateway`) or in process (`inProcess`). */
export type Run = (query: string, variables?: Record<string, unknown>) => Promise<Answer>;

export const viaGateway =
  (stack: Stack, token: string): Run =>
  (query, variables = {}) =>
    stack.gql(query, variables, { token });

export const inProcess =
  (sg: InProcessSubgraph, viewer: Viewer | null): Run =>
  (query, variables = {}) =>
    sg.execute(query, variables, viewer);

async function mutate(run: Run, query: string, variables: Record<string, unknown>) {
  const res = await run(query, variables);
  if (res.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

export async function createEvent(run: Run, overrides: Record<string, unknown> = {}): Promise<string> {
  const data = await mutate(run, `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`, {
    input: eventInput(overrides),
  });
  return data.createEvent.id;
}

export async function addTicketType(
  run: Run,
  eventId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const data = await mutate(
    run,
    `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
    {
      input: { eventId, name: 'General', priceCents: 2500, currency: 'EUR', capacity: 500, ...overrides },
    },
  );
  return data.createTicketType.id;
}

export async function publishEvent(run: Run, id: string): Promise<void> {
  await mutate(run, `mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id });
}

/** A published event with one ticket type. */
export async function publishedEvent(run: Run, overrides: Record<string, unknown> = {}) {
  const eventId = await createEvent(run, overrides);
  const ticketTypeId = await addTicketType(run, eventId);
  await publishEvent(run, eventId);
  return { eventId, ticketTypeId };
}

export interface PaidOrder {
  orderId: string;
  lineIds: string[];
  eventId: string;
}

/**
 * Plays the orders domain: writes an `OrderPaid` event into the outbox, as orders does in the
 * transaction that marks the order paid. The real relay and the tickets consumer take it from there.
 */
export async function payOrder(
  db: Db,
  buyerId: string,
  lines: { ticketTypeId: string; eventId: string; quantity: number }[],
): Promise<PaidOrder> {
  const orderId = randomUUID();
  const withIds = lines.map((l) => ({ ...l, orderLineId: randomUUID() }));
  const eventId = await inTransaction(db, (tx) =>
    emit(tx, 'orders', 'OrderPaid', {
      orderId,
      buyerId,
      currency: 'EUR',
      totalCents: withIds.reduce((sum, l) => sum + l.quantity * 2500, 0),
      paidAt: new Date().toISOString(),
      lines: withIds.map((l) => ({
        orderLineId: l.orderLineId,
        ticketTypeId: l.ticketTypeId,
        eventId: l.eventId,
        productId: null,
        sellerId: buyerId,
        quantity: l.quantity,
        unitPriceCents: 2500,
      })),
    }),
  );
  return { orderId, lineIds: withIds.map((l) => l.orderLineId), eventId };
}

/** Plays orders refunding `quantity` units of a line. */
export async function refundLine(
  db: Db,
  order: PaidOrder,
  buyerId: string,
  ticketTypeId: string,
  quantity: number,
): Promise<string> {
  return inTransaction(db, (tx) =>
    emit(tx, 'orders', 'OrderRefunded', {
      orderId: order.orderId,
      refundId: randomUUID(),
      buyerId,
      reason: 'requested',
      amountCents: quantity * 2500,
      currency: 'EUR',
      lines: [
        {
          orderLineId: order.lineIds[0]!,
          ticketTypeId,
          eventId: null,
          productId: null,
          sellerId: buyerId,
          quantity,
          unitPriceCents: 2500,
        },
      ],
      refundedAt: new Date().toISOString(),
    }),
  );
}

/** Waits until the consumer has issued `count` tickets for the order; returns them by seat. */
export function ticketsIssued(db: Db, orderId: string, count: number) {
  return eventually(
    async () => {
      const rows = await db.ticket.findMany({
        where: { orderId },
        orderBy: [{ orderLineId: 'asc' }, { seatIndex: 'asc' }],
      });
      return rows.length >= count && rows;
    },
    { what: `${count} tickets of order ${orderId}` },
  );
}

/** Waits until the tickets consumer recorded the event as processed. */
export function processed(db: Db, eventId: string) {
  return eventually(
    async () => (await db.processedEvent.count({ where: { eventId, consumer: ORDER_EVENTS_CONSUMER } })) === 1,
    { what: `event ${eventId} processed` },
  );
}

export const QR_OF = `query($id: ID!) { ticket(id: $id) { id qr status } }`;

export async function qrOf(run: Run, ticketId: string): Promise<string> {
  const res = await run(QR_OF, { id: ticketId });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.ticket.qr;
}

export const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { status checkedInAt ticket { id status checkedInAt } } }`;
