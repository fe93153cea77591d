import { randomUUID } from 'node:crypto';
import { eventually } from '../../../test/helpers/eventually';
import { startStack, type Stack } from '../../../test/helpers/stack';
import { codeOf } from '../../../test/helpers/users';
import { ADDRESS, CHECKOUT, feedTicketType, pool, productWithStock, quickUsers } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const AVAILABLE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on TicketType { id available sold } } }`;

describe('checkout under contention', () => {
  test('1,000 checkouts at concurrency 100 for 100 tickets: exactly 100 hold seats, 900 SOLD_OUT, no other error', async () => {
    const type = await feedTicketType(stack, { capacity: 100, maxPerOrder: 4 });
    const buyers = await quickUsers(stack, 50);
    const results = await pool(1000, 100, (i) =>
      stack.gql(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `key-${i}-${randomUUID()}`,
            lines: [{ ticketTypeId: type.ticketTypeId, quantity: 1 }],
          },
        },
        { token: buyers[i % buyers.length]!.token },
      ),
    );
    const codes = results.map((r) => codeOf(r) ?? 'OK');
    const counts = codes.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    expect(counts).toEqual({ OK: 100, SOLD_OUT: 900 });
    const soldOut = results.find((r) => codeOf(r) === 'SOLD_OUT')!;
    expect(soldOut.errors![0]!.extensions!.field).toBe('input.lines.0');
    const copy = await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } });
    expect({ held: copy.held, sold: copy.sold }).toEqual({ held: 100, sold: 0 });
    expect(
      await stack.db.order.count({
        where: { lines: { some: { ticketTypeId: type.ticketTypeId } }, status: 'PENDING_PAYMENT' },
      }),
    ).toBe(100);
    const entity = await stack.gql(
      AVAILABLE,
      { reps: [{ __typename: 'TicketType', id: type.ticketTypeId }] },
      { url: stack.subgraphs.orders!.url },
    );
    expect(entity.data!._entities).toEqual([{ id: type.ticketTypeId, available: 0, sold: 0 }]);
  }, 300_000); // 1,000 requests through the gateway: generous on a busy machine

  test('1,000 checkouts at concurrency 100 for 100 units of a product: exactly 100 hold units, 900 SOLD_OUT', async () => {
    const { productId } = await productWithStock(stack, 100);
    const buyers = await quickUsers(stack, 50, 'shopper');
    const results = await pool(1000, 100, (i) =>
      stack.gql(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `p-${i}-${randomUUID()}`,
            lines: [{ productId, quantity: 1 }],
            shippingAddress: ADDRESS,
          },
        },
        { token: buyers[i % buyers.length]!.token },
      ),
    );
    const counts = results
      .map((r) => codeOf(r) ?? 'OK')
      .reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    expect(counts).toEqual({ OK: 100, SOLD_OUT: 900 });
    const stock = await stack.db.stock.findMany({ where: { productId } });
    expect(stock.map((s) => ({ onHand: s.onHand, held: s.held }))).toEqual([{ onHand: 100, held: 100 }]);
    expect(await stack.db.stockMovement.count({ where: { productId, kind: 'RESERVE' } })).toBe(100);
  }, 300_000); // 1,000 requests through the gateway: generous on a busy machine
});

describe('checkout rules', () => {
  test('the same key returns the same order; different lines with it are CONFLICT', async () => {
    const type = await feedTicketType(stack, { capacity: 10 });
    const [buyer] = await quickUsers(stack, 1);
    const input = { idempotencyKey: `same-${randomUUID()}`, lines: [{ ticketTypeId: type.ticketTypeId, quantity: 2 }] };
    const [a, b] = await Promise.all([
      stack.gql(CHECKOUT, { input }, { token: buyer!.token }),
      stack.gql(CHECKOUT, { input }, { token: buyer!.token }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data!.checkout.order.id).toBe(a.data!.checkout.order.id);
    expect(b.data!.checkout.payment.providerPaymentId).toBe(a.data!.checkout.payment.providerPaymentId);
    expect(a.data!.checkout.order).toMatchObject({ status: 'PENDING_PAYMENT', totalCents: 5000, currency: 'EUR' });
    const other = await stack.gql(
      CHECKOUT,
      { input: { ...input, lines: [{ ticketTypeId: type.ticketTypeId, quantity: 3 }] } },
      { token: buyer!.token },
    );
    expect(codeOf(other)).toBe('CONFLICT');
    expect((await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } })).held).toBe(2);
  });

  test('a line that cannot be served is SOLD_OUT naming it, and nothing is held', async () => {
    const plenty = await feedTicketType(stack, { capacity: 50 });
    const scarce = await feedTicketType(stack, { capacity: 1 });
    const [buyer] = await quickUsers(stack, 1);
    const res = await stack.gql(
      CHECKOUT,
      {
        input: {
          idempotencyKey: `multi-${randomUUID()}`,
          lines: [
            { ticketTypeId: plenty.ticketTypeId, quantity: 3 },
            { ticketTypeId: scarce.ticketTypeId, quantity: 2 },
          ],
        },
      },
      { token: buyer!.token },
    );
    expect(codeOf(res)).toBe('SOLD_OUT');
    expect(res.errors![0]!.extensions!.field).toBe('input.lines.1');
    const copies = await stack.db.ticketTypeCopy.findMany({
      where: { id: { in: [plenty.ticketTypeId, scarce.ticketTypeId] } },
    });
    expect(copies.map((c) => c.held)).toEqual([0, 0]);
    expect(await stack.db.order.count({ where: { buyerId: buyer!.id } })).toBe(0);
  });

  test('maxPerOrder and the sales window are respected', async () => {
    const [buyer] = await quickUsers(stack, 1);
    const limited = await feedTicketType(stack, { maxPerOrder: 2 });
    const tooMany = await stack.gql(
      CHECKOUT,
      {
        input: { idempotencyKey: `max-${randomUUID()}`, lines: [{ ticketTypeId: limited.ticketTypeId, quantity: 3 }] },
      },
      { token: buyer!.token },
    );
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0]!.extensions!.field).toBe('input.lines.0.quantity');
    const later = await feedTicketType(stack, { salesStartAt: new Date(Date.now() + 86_400_000).toISOString() });
    const early = await stack.gql(
      CHECKOUT,
      {
        input: { idempotencyKey: `early-${randomUUID()}`, lines: [{ ticketTypeId: later.ticketTypeId, quantity: 1 }] },
      },
      { token: buyer!.token },
    );
    expect(codeOf(early)).toBe('CONFLICT');
  });

  test('checkout from the cart holds its lines and empties it', async () => {
    const type = await feedTicketType(stack, { capacity: 5 });
    const [buyer] = await quickUsers(stack, 1);
    const added = await stack.gql(
      `mutation($input: LineInput!) { addToCart(input: $input) { itemCount lines { id quantity unitPriceCents ticketType { id available } } } }`,
      { input: { ticketTypeId: type.ticketTypeId, quantity: 2 } },
      { token: buyer!.token },
    );
    expect(added.errors).toBeUndefined();
    expect(added.data!.addToCart).toMatchObject({ itemCount: 2, lines: [{ quantity: 2, unitPriceCents: 2500 }] });
    const res = await stack.gql(
      CHECKOUT,
      { input: { idempotencyKey: `cart-${randomUUID()}` } },
      { token: buyer!.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.checkout.order.lines).toHaveLength(1);
    expect(await stack.db.cartLine.count({ where: { userId: buyer!.id } })).toBe(0);
  });

  test('a hold that expires returns its capacity (expiry worker)', async () => {
    const type = await feedTicketType(stack, { capacity: 3 });
    const [buyer] = await quickUsers(stack, 1);
    const res = await stack.gql(
      CHECKOUT,
      { input: { idempotencyKey: `exp-${randomUUID()}`, lines: [{ ticketTypeId: type.ticketTypeId, quantity: 3 }] } },
      { token: buyer!.token },
    );
    const orderId = res.data!.checkout.order.id as string;
    expect((await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } })).held).toBe(3);
    await stack.db.order.update({ where: { id: orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await eventually(
      async () => (await stack.db.order.findUniqueOrThrow({ where: { id: orderId } })).status === 'EXPIRED',
      { what: 'the order to expire' },
    );
    expect((await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } })).held).toBe(0);
    const again = await stack.gql(
      CHECKOUT,
      { input: { idempotencyKey: `exp2-${randomUUID()}`, lines: [{ ticketTypeId: type.ticketTypeId, quantity: 3 }] } },
      { token: buyer!.token },
    );
    expect(again.errors).toBeUndefined();
  });
});
