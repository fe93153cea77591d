import { randomUUID } from 'node:crypto';
import { emit } from '../../../shared/events/outbox';
import type { Stack } from '../../../test/helpers/stack';

/** Shared steps of the tickets tests, all through the gateway except where an event is faked. */

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

async function mutate(stack: Stack, token: string, query: string, variables: Record<string, unknown>) {
  const res = await stack.gql(query, variables, { token });
  if (res.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

export async function createEvent(
  stack: Stack,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const data = await mutate(stack, token, `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`, {
    input: eventInput(overrides),
  });
  return data.createEvent.id;
}

export async function addTicketType(
  stack: Stack,
  token: string,
  eventId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const data = await mutate(
    stack,
    token,
    `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
    {
      input: { eventId, name: 'General', priceCents: 2500, currency: 'EUR', capacity: 500, ...overrides },
    },
  );
  return data.createTicketType.id;
}

export async function publishEvent(stack: Stack, token: string, id: string): Promise<void> {
  await mutate(stack, token, `mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id });
}

/** A published event with one ticket type. */
export async function publishedEvent(stack: Stack, token: string, overrides: Record<string, unknown> = {}) {
  const eventId = await createEvent(stack, token, overrides);
  const ticketTypeId = await addTicketType(stack, token, eventId);
  await publishEvent(stack, token, eventId);
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
  stack: Stack,
  buyerId: string,
  lines: { ticketTypeId: string; eventId: string; quantity: number }[],
): Promise<PaidOrder> {
  const orderId = randomUUID();
  const withIds = lines.map((l) => ({ ...l, orderLineId: randomUUID() }));
  const eventId = await stack.db.$transaction((tx) =>
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
  stack: Stack,
  order: PaidOrder,
  buyerId: string,
  ticketTypeId: string,
  quantity: number,
): Promise<string> {
  return stack.db.$transaction((tx) =>
    emit(tx, 'orders', 'OrderRefunded', {
      orderId: order.orderId,
      refundId: randomUUID(),
      buyerId,
      reason: 'requested',
      amountCents: quantity * 2500,
      currency: 'EUR',
      lines: [{ orderLineId: order.lineIds[0]!, ticketTypeId, productId: null, quantity }],
      refundedAt: new Date().toISOString(),
    }),
  );
}

/** Polls until `check` returns a value other than undefined/false. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the consumer has issued `count` tickets for the order; returns them by seat. */
export function ticketsIssued(stack: Stack, orderId: string, count: number) {
  return waitFor(async () => {
    const rows = await stack.db.ticket.findMany({
      where: { orderId },
      orderBy: [{ orderLineId: 'asc' }, { seatIndex: 'asc' }],
    });
    return rows.length >= count && rows;
  }, `${count} tickets of order ${orderId}`);
}

/** Waits until the tickets consumer recorded the event as processed. */
export function processed(stack: Stack, eventId: string) {
  return waitFor(
    async () => (await stack.db.processedEvent.count({ where: { eventId, consumer: 'tickets.order-tickets' } })) === 1,
    `event ${eventId} processed`,
  );
}

export const QR_OF = `query($id: ID!) { ticket(id: $id) { id qr status } }`;

export async function qrOf(stack: Stack, token: string, ticketId: string): Promise<string> {
  const res = await stack.gql(QR_OF, { id: ticketId }, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.ticket.qr;
}

export const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { status checkedInAt ticket { id status checkedInAt } } }`;
