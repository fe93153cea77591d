import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../shared/auth/tokens';
import type { RunningServer } from '../../../shared/http';
import { eventually } from '../../../test/helpers/eventually';
import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { ADDRESS, CHECKOUT, errorOf, feedTicketType, ok, sellerProduct } from './helpers';

/**
 * Orders after checkout on the subgraph tier: cancelling, deliveries, refunds, the simulated
 * payment, the order lists. The subgraph listens too, because the mock provider pays through
 * the service's own webhook.
 */
let sg: InProcessSubgraph;
let http: RunningServer;
beforeAll(async () => {
  sg = await startSubgraph('orders', { workers: true });
  http = await sg.server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await http.stop();
  await sg.stop();
});

type Placed = { checkout: { order: { id: string; status: string; lines: { id: string }[] } } };

async function ticketOrder(buyer: Viewer = sg.viewer('CUSTOMER')) {
  const type = await feedTicketType(sg, { capacity: 10 });
  const { checkout } = ok(
    await sg.execute<Placed>(
      CHECKOUT,
      { input: { idempotencyKey: `ord-${randomUUID()}`, lines: [{ ticketTypeId: type.ticketTypeId, quantity: 2 }] } },
      buyer,
    ),
  );
  return { buyer, type, orderId: checkout.order.id };
}

const SIMULATE = `mutation($id: ID!, $outcome: SimulatedOutcome!) { simulatePayment(orderId: $id, outcome: $outcome) { status } }`;
const pay = async (orderId: string, buyer: Viewer) =>
  expect(
    ok(
      await sg.execute<{ simulatePayment: { status: string } }>(SIMULATE, { id: orderId, outcome: 'SUCCEEDED' }, buyer),
    ).simulatePayment.status,
  ).toBe('PAID');
const held = async (ticketTypeId: string) =>
  (await sg.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: ticketTypeId } })).held;
const statusOf = async (orderId: string) => (await sg.db.order.findUniqueOrThrow({ where: { id: orderId } })).status;

describe('cancelOrder', () => {
  const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;

  test('the buyer cancels an unpaid order: its holds go back; cancelling again changes nothing', async () => {
    const { buyer, type, orderId } = await ticketOrder();
    expect(await held(type.ticketTypeId)).toBe(2);
    expect(ok(await sg.execute(CANCEL, { id: orderId }, buyer)).cancelOrder).toEqual({
      id: orderId,
      status: 'CANCELLED',
    });
    expect(await held(type.ticketTypeId)).toBe(0);
    expect(ok(await sg.execute(CANCEL, { id: orderId }, buyer)).cancelOrder.status).toBe('CANCELLED');
    expect(await held(type.ticketTypeId)).toBe(0);
  });

  test('ADMIN may cancel; another customer gets NOT_FOUND, an anonymous caller UNAUTHENTICATED; nothing changes', async () => {
    const { type, orderId } = await ticketOrder();
    expect(errorOf(await sg.execute(CANCEL, { id: orderId }, sg.viewer('CUSTOMER'))).code).toBe('NOT_FOUND');
    expect(errorOf(await sg.execute(CANCEL, { id: orderId }, sg.viewer('ORGANIZER'))).code).toBe('NOT_FOUND');
    expect(errorOf(await sg.execute(CANCEL, { id: orderId })).code).toBe('UNAUTHENTICATED');
    expect(await statusOf(orderId)).toBe('PENDING_PAYMENT');
    expect(await held(type.ticketTypeId)).toBe(2);
    expect(ok(await sg.execute(CANCEL, { id: orderId }, sg.viewer('ADMIN'))).cancelOrder.status).toBe('CANCELLED');
  });

  test('a paid order is not cancelled (CONFLICT); a junk id is BAD_USER_INPUT on id', async () => {
    const { buyer, orderId } = await ticketOrder();
    await pay(orderId, buyer);
    expect(errorOf(await sg.execute(CANCEL, { id: orderId }, buyer)).code).toBe('CONFLICT');
    expect(await statusOf(orderId)).toBe('PAID');
    expect(errorOf(await sg.execute(CANCEL, { id: 'nope' }, buyer))).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('deliveries', () => {
  const ORDER = `query($id: ID!) { order(id: $id) { status lines { sellerId: seller { id } } deliveries { id status carrier trackingNumber seller { id } address { city } } } }`;
  const UPDATE = `mutation($input: UpdateDeliveryInput!) { updateDelivery(input: $input) { id status carrier trackingNumber shippedAt deliveredAt } }`;
  type OrderView = { order: { status: string; deliveries: { id: string; status: string; seller: { id: string } }[] } };

  /** An order of two sellers' products: one delivery each. */
  async function twoSellerOrder() {
    const a = await sellerProduct(sg, 3);
    const b = await sellerProduct(sg, 3);
    const buyer = sg.viewer('CUSTOMER');
    const { checkout } = ok(
      await sg.execute<Placed>(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `dlv-${randomUUID()}`,
            lines: [
              { productId: a.productId, quantity: 1 },
              { productId: b.productId, quantity: 1 },
            ],
            shippingAddress: ADDRESS,
          },
        },
        buyer,
      ),
    );
    const orderId = checkout.order.id;
    const view = (viewer: Viewer) => sg.execute<OrderView>(ORDER, { id: orderId }, viewer);
    const deliveries = ok(await view(buyer)).order.deliveries;
    const deliveryOf = (seller: Viewer) => deliveries.find((d) => d.seller.id === seller.userId)!;
    return { a: a.seller, b: b.seller, buyer, orderId, view, deliveryOf };
  }

  test('checkout creates one PENDING delivery per seller; a seller sees only their own, the buyer both', async () => {
    const { a, b, buyer, view } = await twoSellerOrder();
    const all = ok(await view(buyer)).order.deliveries;
    expect(all.map((d) => d.status)).toEqual(['PENDING', 'PENDING']);
    expect(all.map((d) => d.seller.id).sort()).toEqual([a.userId, b.userId].sort());
    expect(all[0]).toMatchObject({ address: { city: 'Madrid' } });
    const seenByA = ok(await view(a)).order;
    expect(seenByA.deliveries.map((d) => d.seller.id)).toEqual([a.userId]);
    expect(ok(await view(sg.viewer('ADMIN'))).order.deliveries).toHaveLength(2);
    expect(ok(await view(sg.viewer('ORGANIZER'))).order).toBeNull();
  });

  test('the seller ships then delivers; the last delivery fulfils the order', async () => {
    const { a, b, buyer, orderId, deliveryOf } = await twoSellerOrder();
    const mine = deliveryOf(a);
    const ship = { deliveryId: mine.id, status: 'SHIPPED', carrier: 'Correos', trackingNumber: 'PK123' };
    expect(errorOf(await sg.execute(UPDATE, { input: ship }, a)).code).toBe('CONFLICT'); // not paid yet
    await pay(orderId, buyer);
    const shipped = ok(await sg.execute(UPDATE, { input: ship }, a)).updateDelivery;
    expect(shipped).toMatchObject({ status: 'SHIPPED', carrier: 'Correos', trackingNumber: 'PK123' });
    expect(shipped.shippedAt).toBeTruthy();
    expect(ok(await sg.execute(UPDATE, { input: ship }, a)).updateDelivery.status).toBe('SHIPPED'); // again: no-op
    const delivered = ok(await sg.execute(UPDATE, { input: { deliveryId: mine.id, status: 'DELIVERED' } }, a));
    expect(delivered.updateDelivery.status).toBe('DELIVERED');
    expect(await statusOf(orderId)).toBe('PAID'); // b's delivery is still pending
    const theirs = deliveryOf(b);
    expect(errorOf(await sg.execute(UPDATE, { input: { deliveryId: theirs.id, status: 'DELIVERED' } }, b)).code).toBe(
      'CONFLICT',
    ); // PENDING cannot skip SHIPPED
    ok(await sg.execute(UPDATE, { input: { ...ship, deliveryId: theirs.id } }, b));
    ok(await sg.execute(UPDATE, { input: { deliveryId: theirs.id, status: 'DELIVERED' } }, sg.viewer('ADMIN')));
    expect(await statusOf(orderId)).toBe('FULFILLED');
  });

  test("another seller's delivery is NOT_FOUND, a customer is FORBIDDEN; bad input names the field; nothing changes", async () => {
    const { a, b, buyer, orderId, deliveryOf } = await twoSellerOrder();
    await pay(orderId, buyer);
    const mine = deliveryOf(a);
    const ship = { deliveryId: mine.id, status: 'SHIPPED', carrier: 'Correos', trackingNumber: 'PK123' };
    expect(errorOf(await sg.execute(UPDATE, { input: ship }, b)).code).toBe('NOT_FOUND');
    expect(errorOf(await sg.execute(UPDATE, { input: ship }, buyer)).code).toBe('FORBIDDEN');
    expect(errorOf(await sg.execute(UPDATE, { input: { ...ship, carrier: '' } }, a))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.carrier',
    });
    expect(errorOf(await sg.execute(UPDATE, { input: { ...ship, trackingNumber: null } }, a))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.trackingNumber',
    });
    expect(errorOf(await sg.execute(UPDATE, { input: { ...ship, deliveryId: 'nope' } }, a))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.deliveryId',
    });
    const rows = await sg.db.delivery.findMany({ where: { orderId } });
    expect(rows.map((d) => d.status)).toEqual(['PENDING', 'PENDING']);
  });
});

describe('refundOrder', () => {
  const REFUND = `mutation($id: ID!, $lines: [RefundLineInput!], $reason: String!) { refundOrder(id: $id, lines: $lines, reason: $reason) { status refundedCents } }`;

  test('the organizer of the tickets refunds; a customer is FORBIDDEN, another organizer NOT_FOUND; bad input names the field', async () => {
    const { buyer, type, orderId } = await ticketOrder();
    await pay(orderId, buyer);
    const organizer = sg.viewer('ORGANIZER', type.organizerId);
    expect(errorOf(await sg.execute(REFUND, { id: orderId, reason: 'no' }, buyer)).code).toBe('FORBIDDEN');
    expect(errorOf(await sg.execute(REFUND, { id: orderId, reason: 'no' }, sg.viewer('ORGANIZER'))).code).toBe(
      'NOT_FOUND',
    );
    expect(errorOf(await sg.execute(REFUND, { id: orderId, reason: '' }, organizer))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    expect(
      errorOf(
        await sg.execute(
          REFUND,
          { id: orderId, reason: 'x', lines: [{ orderLineId: 'nope', quantity: 1 }] },
          organizer,
        ),
      ),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'lines.0.orderLineId' });
    expect(await statusOf(orderId)).toBe('PAID');
    const refunded = ok(await sg.execute(REFUND, { id: orderId, reason: 'sick' }, organizer)).refundOrder;
    expect(refunded).toEqual({ status: 'REFUNDED', refundedCents: 5000 });
    expect(await sg.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } })).toMatchObject({
      held: 0,
      sold: 0,
    });
  });
});

describe('simulatePayment', () => {
  test('another customer gets NOT_FOUND and a junk id BAD_USER_INPUT on orderId; the order stays unpaid', async () => {
    const { orderId } = await ticketOrder();
    expect(errorOf(await sg.execute(SIMULATE, { id: orderId, outcome: 'SUCCEEDED' }, sg.viewer('CUSTOMER'))).code).toBe(
      'NOT_FOUND',
    );
    expect(errorOf(await sg.execute(SIMULATE, { id: orderId, outcome: 'SUCCEEDED' })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await sg.execute(SIMULATE, { id: 'nope', outcome: 'SUCCEEDED' }, sg.viewer('CUSTOMER')))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'orderId',
    });
    expect(await statusOf(orderId)).toBe('PENDING_PAYMENT');
  });
});

describe('checkout input', () => {
  test('bad input names the field; an anonymous caller is UNAUTHENTICATED; nothing is held', async () => {
    const type = await feedTicketType(sg, { capacity: 5 });
    const { productId } = await sellerProduct(sg, 5);
    const buyer = sg.viewer('CUSTOMER');
    const line = { ticketTypeId: type.ticketTypeId, quantity: 1 };
    const cases: [Record<string, unknown>, string][] = [
      [{ idempotencyKey: 'short', lines: [line] }, 'input.idempotencyKey'],
      [{ idempotencyKey: `k-${randomUUID()}`, lines: [] }, 'input.lines'],
      [{ idempotencyKey: `k-${randomUUID()}`, lines: [line, line] }, 'input.lines.1'],
      [{ idempotencyKey: `k-${randomUUID()}`, lines: [{ productId, quantity: 1 }] }, 'input.shippingAddress'],
      [
        {
          idempotencyKey: `k-${randomUUID()}`,
          lines: [{ productId, quantity: 1 }],
          shippingAddress: { ...ADDRESS, country: 'Spain' },
        },
        'input.shippingAddress.country',
      ],
    ];
    for (const [input, field] of cases) {
      expect({ field, error: errorOf(await sg.execute(CHECKOUT, { input }, buyer)) }).toEqual({
        field,
        error: { code: 'BAD_USER_INPUT', field },
      });
    }
    expect(
      errorOf(await sg.execute(CHECKOUT, { input: { idempotencyKey: `k-${randomUUID()}`, lines: [line] } })).code,
    ).toBe('UNAUTHENTICATED');
    expect(await held(type.ticketTypeId)).toBe(0);
    expect(await sg.db.order.count({ where: { buyerId: buyer.userId } })).toBe(0);
  });
});

describe('order lists', () => {
  test("myOrders, sellerOrders and User.orders list newest first; another user's orders are FORBIDDEN", async () => {
    const buyer = sg.viewer('CUSTOMER');
    const first = await ticketOrder(buyer);
    const second = await ticketOrder(buyer);
    const ids = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id);
    const mine = ok(await sg.execute(`{ myOrders { totalCount edges { node { id } } } }`, {}, buyer)).myOrders;
    expect(ids(mine)).toEqual([second.orderId, first.orderId]);
    const organizer = sg.viewer('ORGANIZER', second.type.organizerId);
    const sold = ok(await sg.execute(`{ sellerOrders { edges { node { id } } } }`, {}, organizer)).sellerOrders;
    expect(ids(sold)).toEqual([second.orderId]);
    expect(errorOf(await sg.execute(`{ sellerOrders { totalCount } }`, {}, buyer)).code).toBe('FORBIDDEN');
    const USER_ORDERS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { orders(first: 1) { edges { node { id } } pageInfo { hasNextPage } } } } }`;
    const reps = [{ __typename: 'User', id: buyer.userId }];
    const own = ok(await sg.execute(USER_ORDERS, { reps }, buyer))._entities[0].orders;
    expect({ ids: ids(own), more: own.pageInfo.hasNextPage }).toEqual({ ids: [second.orderId], more: true });
    expect(ok(await sg.execute(USER_ORDERS, { reps }, sg.viewer('ADMIN')))._entities[0].orders.edges).toHaveLength(1);
    const stranger = await sg.execute(USER_ORDERS, { reps }, sg.viewer('CUSTOMER'));
    expect(errorOf(stranger).code).toBe('FORBIDDEN');
    expect(JSON.stringify(stranger.data ?? null)).not.toContain(second.orderId);
  });
});

describe('StockChanged', () => {
  const stockEvents = async (productId: string) =>
    (
      await sg.db.outboxEvent.findMany({
        where: { type: 'StockChanged', payload: { path: ['productId'], equals: productId } },
        orderBy: { id: 'asc' },
      })
    ).map((e) => e.payload as { onHand: number; held: number; available: number; changedAt: string });
  const totals = async (productId: string) =>
    (await stockEvents(productId)).map(({ onHand, held, available }) => ({ onHand, held, available }));
  const productOrder = async (productId: string, quantity: number, buyer: Viewer) =>
    ok(
      await sg.execute<Placed>(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `stock-${randomUUID()}`,
            lines: [{ productId, quantity }],
            shippingAddress: ADDRESS,
          },
        },
        buyer,
      ),
    ).checkout.order;

  test('every stock change announces the product totals, once per product per transaction, in version order', async () => {
    const { seller, productId, warehouseId } = await sellerProduct(sg, 10);
    const buyer = sg.viewer('CUSTOMER');
    const paid = await productOrder(productId, 2, buyer);
    await productOrder(productId, 2, buyer);
    await pay(paid.id, buyer);
    const [c, d] = [await productOrder(productId, 1, buyer), await productOrder(productId, 1, buyer)];
    expect(await totals(productId)).toEqual([
      { onHand: 10, held: 0, available: 10 }, // received
      { onHand: 10, held: 2, available: 8 }, // checkout
      { onHand: 10, held: 4, available: 6 },
      { onHand: 8, held: 2, available: 6 }, // paid: out of the warehouse
      { onHand: 8, held: 3, available: 5 },
      { onHand: 8, held: 4, available: 4 },
    ]);
    // Three holds expire in one batch, one transaction: one event with the state it commits.
    const unpaid = (
      await sg.db.order.findMany({ where: { status: 'PENDING_PAYMENT', lines: { some: { productId } } } })
    ).map((o) => o.id);
    expect(unpaid).toHaveLength(3);
    expect(unpaid).toEqual(expect.arrayContaining([c.id, d.id]));
    await sg.db.order.updateMany({ where: { id: { in: unpaid } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await eventually(
      async () => (await sg.db.order.count({ where: { id: { in: unpaid }, status: 'EXPIRED' } })) === 3,
      {
        what: 'the three holds to expire',
      },
    );
    const REFUND = `mutation($id: ID!, $reason: String!) { refundOrder(id: $id, reason: $reason) { status } }`;
    ok(await sg.execute(REFUND, { id: paid.id, reason: 'damaged' }, seller));
    const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { available } }`;
    ok(
      await sg.execute(
        ADJUST,
        { input: { productId, warehouseId, kind: 'ADJUST', quantity: -4, reason: 'inventory count' } },
        seller,
      ),
    );
    const events = await stockEvents(productId);
    expect((await totals(productId)).slice(6)).toEqual([
      { onHand: 8, held: 0, available: 8 }, // expired, all three
      { onHand: 10, held: 0, available: 10 }, // refunded
      { onHand: 6, held: 0, available: 6 }, // corrected
    ]);
    expect(events[0]).toMatchObject({
      productId,
      sellerId: seller.userId,
      productName: 'Festival T-shirt',
      categoryId: null,
    });
    const versions = events.map((e) => e.changedAt);
    expect(versions.every((v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(v))).toBe(true);
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });
});

describe('categories in events', () => {
  test("createCategory announces CategoryChanged; order lines carry the product's category at checkout", async () => {
    const admin = sg.viewer('ADMIN');
    const CREATE = `mutation($name: String!, $slug: String!, $parentId: ID) { createCategory(name: $name, slug: $slug, parentId: $parentId) { id } }`;
    const merch = ok(await sg.execute(CREATE, { name: 'Merch', slug: `merch-${randomUUID()}` }, admin)).createCategory;
    const shirts = ok(
      await sg.execute(CREATE, { name: 'Shirts', slug: `shirts-${randomUUID()}`, parentId: merch.id }, admin),
    ).createCategory;
    const announced = async (categoryId: string) =>
      (
        await sg.db.outboxEvent.findMany({
          where: { type: 'CategoryChanged', payload: { path: ['categoryId'], equals: categoryId } },
        })
      ).map((e) => e.payload);
    const row = await sg.db.category.findUniqueOrThrow({ where: { id: shirts.id } });
    expect(await announced(shirts.id)).toEqual([
      { categoryId: shirts.id, parentId: merch.id, name: 'Shirts', changedAt: row.createdAt.toISOString() },
    ]);
    expect(await announced(merch.id)).toEqual([expect.objectContaining({ parentId: null, name: 'Merch' })]);

    const { seller, productId } = await sellerProduct(sg, 5);
    ok(
      await sg.execute(
        `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }`,
        { id: productId, input: { categoryId: shirts.id } },
        seller,
      ),
    );
    const type = await feedTicketType(sg, { capacity: 10 });
    const buyer = sg.viewer('CUSTOMER');
    const { checkout } = ok(
      await sg.execute<Placed>(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `cat-${randomUUID()}`,
            lines: [
              { productId, quantity: 2 },
              { ticketTypeId: type.ticketTypeId, quantity: 1 },
            ],
            shippingAddress: ADDRESS,
          },
        },
        buyer,
      ),
    );
    await pay(checkout.order.id, buyer);
    const [paid] = await sg.db.outboxEvent.findMany({
      where: { type: 'OrderPaid', payload: { path: ['orderId'], equals: checkout.order.id } },
    });
    const lines = (paid!.payload as { lines: { productId: string | null; categoryId: string | null }[] }).lines;
    expect(lines.map((l) => [l.productId, l.categoryId]).sort()).toEqual(
      [
        [productId, shirts.id],
        [null, null],
      ].sort(),
    );
  });
});
