import { randomUUID } from 'node:crypto';
import { signAccessToken, type Viewer } from '../../../shared/auth/tokens';
import type { EventCatalog } from '../../../shared/events/catalog';
import type { Db } from '../../../shared/db';
import { emit } from '../../../shared/events/outbox';
import { eventually } from '../../../test/helpers/eventually';
import { TOKEN_SETTINGS, type Stack } from '../../../test/helpers/stack';
import type { ExecuteResult, InProcessSubgraph } from '../../../test/helpers/subgraph';
import { signUp } from '../../../test/helpers/users';

/** Test helpers of the orders subgraph: users, ticket types fed through the outbox, products with stock. */

/** Users made in the database (one session each) with access tokens signed by the stack's key: fast, for load tests. */
export async function quickUsers(
  stack: Stack,
  count: number,
  prefix = 'buyer',
): Promise<{ id: string; token: string }[]> {
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    sessionId: randomUUID(),
    email: `${prefix}-${i}-${randomUUID().slice(0, 8)}@example.com`,
  }));
  await stack.db.user.createMany({
    data: users.map((u) => ({ id: u.id, email: u.email, name: u.email.split('@')[0]!, passwordHash: 'x' })),
  });
  await stack.db.session.createMany({
    data: users.map((u) => ({ id: u.sessionId, userId: u.id, expiresAt: new Date(Date.now() + 3_600_000) })),
  });
  return users.map((u) => ({
    id: u.id,
    token: signAccessToken(stack.signingKeys[0]!, TOKEN_SETTINGS, { userId: u.id, sessionId: u.sessionId }).token,
  }));
}

export type TicketTypePayload = EventCatalog['TicketTypeChanged'];

/**
 * Announces a ticket type as the tickets subgraph does (a TicketTypeChanged row in the outbox;
 * the real relay and consumer carry it) and waits until orders' copy shows it.
 */
export async function feedTicketType(
  target: { db: Db },
  overrides: Partial<TicketTypePayload> = {},
): Promise<TicketTypePayload> {
  const payload: TicketTypePayload = {
    ticketTypeId: randomUUID(),
    eventId: randomUUID(),
    organizerId: randomUUID(),
    name: 'General admission',
    priceCents: 2500,
    currency: 'EUR',
    capacity: 100,
    maxPerOrder: 10,
    salesStartAt: null,
    salesEndAt: null,
    eventStatus: 'PUBLISHED',
    ...overrides,
  };
  await target.db.$transaction((tx) => emit(tx, 'tickets', 'TicketTypeChanged', payload));
  await eventually(
    async () => {
      const copy = await target.db.ticketTypeCopy.findUnique({ where: { id: payload.ticketTypeId } });
      return (
        copy?.capacity === payload.capacity &&
        copy.eventStatus === payload.eventStatus &&
        copy.priceCents === payload.priceCents
      );
    },
    { what: `orders' copy of ticket type ${payload.ticketTypeId}` },
  );
  return payload;
}

/** An ORGANIZER with a product of `units` units in one warehouse. */
export async function productWithStock(stack: Stack, units: number, options: { priceCents?: number } = {}) {
  const seller = await signUp(stack, `seller-${randomUUID().slice(0, 8)}@example.com`, { roles: ['ORGANIZER'] });
  const warehouse = await stack.gql(
    `mutation { createWarehouse(name: "Main", location: "Manta") { id } }`,
    {},
    { token: seller.accessToken },
  );
  const product = await stack.gql(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { title: 'Festival T-shirt', priceCents: options.priceCents ?? 1500, currency: 'EUR' } },
    { token: seller.accessToken },
  );
  const warehouseId = warehouse.data!.createWarehouse.id as string;
  const productId = product.data!.createProduct.id as string;
  const stock = await stack.gql(
    `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand available } }`,
    { input: { productId, warehouseId, kind: 'IN', quantity: units, reason: 'initial stock' } },
    { token: seller.accessToken },
  );
  if (stock.errors) throw new Error(stock.errors[0]!.message);
  return { seller, productId, warehouseId };
}

export const ADDRESS = { recipient: 'Ana', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28001', country: 'ES' };

export const CHECKOUT = `mutation($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id status totalCents currency expiresAt lines { id quantity unitPriceCents totalCents } }
    payment { id providerPaymentId status amountCents clientSecret }
  }
}`;

/** Runs `tasks` with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

// The subgraph tier (startSubgraph('orders')): the same setups through the subgraph's own operations.

/** The data of a result that must have succeeded (its first error's message otherwise). */
export function ok<T>(res: ExecuteResult<T>): T {
  if (res.errors?.length) throw new Error(`unexpected error: ${res.errors[0]!.message}`);
  return res.data!;
}

/** The code and field of a result's first error. */
export function errorOf(res: ExecuteResult<unknown>): { code: unknown; field: unknown } {
  const extensions = res.errors?.[0]?.extensions ?? {};
  return { code: extensions.code, field: extensions.field };
}

/** An ORGANIZER (or `seller`) with a product of `units` units in one warehouse of theirs. */
export async function sellerProduct(
  sg: InProcessSubgraph,
  units: number,
  options: { priceCents?: number; seller?: Viewer } = {},
): Promise<{ seller: Viewer; productId: string; warehouseId: string }> {
  const seller = options.seller ?? sg.viewer('ORGANIZER');
  const { createWarehouse } = ok(
    await sg.execute<{ createWarehouse: { id: string } }>(
      `mutation { createWarehouse(name: "Main", location: "Manta") { id } }`,
      {},
      seller,
    ),
  );
  const { createProduct } = ok(
    await sg.execute<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { title: 'Festival T-shirt', priceCents: options.priceCents ?? 1500, currency: 'EUR' } },
      seller,
    ),
  );
  ok(
    await sg.execute(
      `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand } }`,
      {
        input: {
          productId: createProduct.id,
          warehouseId: createWarehouse.id,
          kind: 'IN',
          quantity: units,
          reason: 'initial stock',
        },
      },
      seller,
    ),
  );
  return { seller, productId: createProduct.id, warehouseId: createWarehouse.id };
}
