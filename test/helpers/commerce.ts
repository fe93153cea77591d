import { randomUUID } from 'node:crypto';
import { DEV_PAYMENT_WEBHOOK_SECRET } from '../../subgraphs/orders/src/settings';
import { eventually as eventuallyWith } from './eventually';
import { signatureHeader } from '../../subgraphs/orders/src/payments/signature';
import type { GraphQLResponse, OperationData, Stack } from './stack';
import { signUp } from './users';

/**
 * Steps of the end-to-end commerce tests: everything a client does goes through the gateway
 * over HTTP; the database is read only to wait for asynchronous effects to land (and, where a
 * test says so, to assert what the API cannot show).
 */

export type Account = Awaited<ReturnType<typeof signUp>>;

let seq = 0;
/** A unique, readable email. */
export const email = (prefix: string) => `${prefix}-${++seq}-${randomUUID().slice(0, 6)}@example.com`;

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * Legacy signature of `eventually` (test/helpers/eventually.ts), kept only for the callers not
 * yet moved to it (subgraphs/support/test/support.test.ts); delete once none remain.
 */
export function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs?: number,
): Promise<T> {
  return eventuallyWith(check, { what, timeoutMs });
}

/** Runs an operation that must succeed and returns its data. */
export async function ok<T = OperationData>(
  stack: Stack,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const res: GraphQLResponse<T> = await stack.gql<T>(query, variables, { token });
  if (res.errors || !res.data)
    throw new Error(`${query.replace(/\s+/g, ' ').slice(0, 60)}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export interface SaleEvent {
  eventId: string;
  ticketTypeIds: string[];
}

/**
 * A PUBLISHED event of `organizer` with ticket types, created through the gateway; resolves once
 * orders has learnt every ticket type as on sale (its copy is fed by TicketTypeChanged events).
 */
export async function eventOnSale(
  stack: Stack,
  organizer: Account,
  types: { name?: string; capacity?: number; priceCents?: number; maxPerOrder?: number }[] = [{}],
  title = 'Jazz night',
  /** false: return once published, without waiting for orders' copy (its consumer may be stopped). */
  untilOrdersKnows = true,
): Promise<SaleEvent> {
  const event = await ok(
    stack,
    `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
    {
      input: {
        title,
        description: 'Live music',
        venue: { name: 'Blue Hall', address: 'Calle Mayor 1', city: 'Madrid', country: 'ES' },
        startsAt: inDays(30),
        endsAt: inDays(30.2),
        timezone: 'Europe/Madrid',
      },
    },
    organizer.accessToken,
  );
  const eventId = event.createEvent.id as string;
  const ticketTypeIds: string[] = [];
  for (const [i, t] of types.entries()) {
    const created = await ok(
      stack,
      `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
      {
        input: {
          eventId,
          name: t.name ?? `Type ${i + 1}`,
          priceCents: t.priceCents ?? 2500,
          currency: 'EUR',
          capacity: t.capacity ?? 100,
          maxPerOrder: t.maxPerOrder,
        },
      },
      organizer.accessToken,
    );
    ticketTypeIds.push(created.createTicketType.id);
  }
  await ok(stack, `mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id: eventId }, organizer.accessToken);
  if (!untilOrdersKnows) return { eventId, ticketTypeIds };
  await eventually(
    async () =>
      (await stack.db.ticketTypeCopy.count({ where: { id: { in: ticketTypeIds }, eventStatus: 'PUBLISHED' } })) ===
      ticketTypeIds.length,
    `orders to learn the ticket types of ${title}`,
  );
  return { eventId, ticketTypeIds };
}

/** Products of `seller`, each with `units` units in one new warehouse. */
export async function productsInStock(stack: Stack, seller: Account, count: number, units = 20): Promise<string[]> {
  const warehouse = await ok(
    stack,
    `mutation { createWarehouse(name: "Main", location: "Madrid") { id } }`,
    {},
    seller.accessToken,
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const product = await ok(
      stack,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { title: `T-shirt ${i + 1}`, priceCents: 1500, currency: 'EUR' } },
      seller.accessToken,
    );
    const productId = product.createProduct.id as string;
    await ok(
      stack,
      `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand } }`,
      {
        input: {
          productId,
          warehouseId: warehouse.createWarehouse.id,
          kind: 'IN',
          quantity: units,
          reason: 'initial stock',
        },
      },
      seller.accessToken,
    );
    ids.push(productId);
  }
  return ids;
}

export const ADDRESS = { recipient: 'Ana', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28001', country: 'ES' };

export type LineInput = { ticketTypeId: string; quantity: number } | { productId: string; quantity: number };

export interface Checkout {
  orderId: string;
  lines: { id: string; quantity: number; ticketTypeId: string | null; productId: string | null }[];
  payment: { providerPaymentId: string; amountCents: number; currency: string };
}

const CHECKOUT = `mutation($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id status lines { id quantity ticketType { id } product { id } } }
    payment { providerPaymentId amountCents currency }
  }
}`;

/** Checks `lines` out as `buyer` (token); the order is PENDING_PAYMENT. */
export async function checkout(stack: Stack, token: string, lines: LineInput[]): Promise<Checkout> {
  const hasProducts = lines.some((l) => 'productId' in l);
  const data = await ok(
    stack,
    CHECKOUT,
    { input: { idempotencyKey: `e2e-${randomUUID()}`, lines, ...(hasProducts ? { shippingAddress: ADDRESS } : {}) } },
    token,
  );
  const order = data.checkout.order;
  if (order.status !== 'PENDING_PAYMENT') throw new Error(`checkout: order is ${order.status}`);
  return {
    orderId: order.id,
    lines: order.lines.map(
      (l: { id: string; quantity: number; ticketType: { id: string } | null; product: { id: string } | null }) => ({
        id: l.id,
        quantity: l.quantity,
        ticketTypeId: l.ticketType?.id ?? null,
        productId: l.product?.id ?? null,
      }),
    ),
    payment: data.checkout.payment,
  };
}

/** The mock provider pays the order (it POSTs a signed webhook to orders, as a real provider would). */
export async function simulatePayment(
  stack: Stack,
  token: string,
  orderId: string,
  outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED',
): Promise<string> {
  const data = await ok(
    stack,
    `mutation($id: ID!, $o: SimulatedOutcome!) { simulatePayment(orderId: $id, outcome: $o) { status } }`,
    { id: orderId, o: outcome },
    token,
  );
  return data.simulatePayment.status;
}

/** A provider event that the payment of `order` succeeded, as the raw body the provider signs. */
export function paymentSucceededBody(order: Checkout): string {
  return JSON.stringify({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: order.payment.providerPaymentId,
        amount: order.payment.amountCents,
        currency: order.payment.currency.toLowerCase(),
        metadata: { orderId: order.orderId },
      },
    },
  });
}

/** Delivers a webhook body, signed now with the development secret, straight to the orders service. */
export async function deliverWebhook(
  stack: Stack,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = stack.subgraphs.orders!.url.replace(/\/graphql$/, '/webhooks/payments');
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signatureHeader(DEV_PAYMENT_WEBHOOK_SECRET, body),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface OrderTicket {
  id: string;
  qr: string;
  status: 'VALID' | 'CHECKED_IN' | 'VOIDED';
  ticketType: { id: string };
}

const ORDER_TICKETS = `query($id: ID!) { order(id: $id) { id status tickets { id qr status ticketType { id } } } }`;

/** The order as its viewer sees it through the gateway: status and tickets (from the tickets subgraph). */
export async function orderWithTickets(
  stack: Stack,
  token: string,
  orderId: string,
): Promise<{ status: string; tickets: OrderTicket[] } | null> {
  return (await ok(stack, ORDER_TICKETS, { id: orderId }, token)).order;
}

/** Waits until the order shows `count` tickets through the gateway (and `status`, if given). */
export function ticketsOf(
  stack: Stack,
  token: string,
  orderId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<OrderTicket[]> {
  return eventually(
    async () => {
      const order = await orderWithTickets(stack, token, orderId);
      return order !== null && order.tickets.length >= count && order.tickets;
    },
    `${count} tickets of order ${orderId}`,
    timeoutMs,
  );
}

/** `available`/`sold` of ticket types, as orders counts them, through the gateway (via the event). */
export async function availability(
  stack: Stack,
  eventId: string,
): Promise<Record<string, { available: number; sold: number }>> {
  const data = await ok(stack, `query($id: ID!) { event(id: $id) { ticketTypes { id available sold } } }`, {
    id: eventId,
  });
  return Object.fromEntries(
    data.event.ticketTypes.map((t: { id: string; available: number; sold: number }) => [
      t.id,
      { available: t.available, sold: t.sold },
    ]),
  );
}

export const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { status checkedInAt ticket { id status } } }`;

/** Counts of outbox rows of `type` about `orderId`. */
export const outboxRows = (stack: Stack, type: string, orderId: string) =>
  stack.db.outboxEvent.count({ where: { type, payload: { path: ['orderId'], equals: orderId } } });

export async function newAccount(
  stack: Stack,
  prefix: string,
  roles?: ('CUSTOMER' | 'ORGANIZER' | 'SCANNER' | 'AGENT' | 'ADMIN')[],
): Promise<Account> {
  return signUp(stack, email(prefix), roles ? { roles } : {});
}
