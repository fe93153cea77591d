import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { DEV_PAYMENT_WEBHOOK_SECRET } from '../src/settings';
import { emit } from '../../../shared/events/outbox';
import { eventually } from '../../../test/helpers/eventually';
import { startStack, type Stack } from '../../../test/helpers/stack';
import { codeOf, signUp } from '../../../test/helpers/users';
import { signatureHeader } from '../src/payments/signature';
import { ADDRESS, CHECKOUT, feedTicketType, productWithStock, quickUsers } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const webhookUrl = () => stack.subgraphs.orders!.url.replace(/\/graphql$/, '/webhooks/payments');

async function post(body: string, signature?: string) {
  const res = await fetch(webhookUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** An order of 2 tickets, PENDING_PAYMENT, and its payment. */
async function pendingOrder() {
  const type = await feedTicketType(stack, { capacity: 10 });
  const [buyer] = await quickUsers(stack, 1);
  const res = await stack.gql(
    CHECKOUT,
    { input: { idempotencyKey: `pay-${randomUUID()}`, lines: [{ ticketTypeId: type.ticketTypeId, quantity: 2 }] } },
    { token: buyer!.token },
  );
  if (res.errors) throw new Error(res.errors[0]!.message);
  return { type, buyer: buyer!, order: res.data!.checkout.order, payment: res.data!.checkout.payment };
}

function succeededEvent(
  payment: { providerPaymentId: string; amountCents: number },
  orderId: string,
  overrides: { amount?: number } = {},
) {
  return JSON.stringify({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: payment.providerPaymentId,
        amount: overrides.amount ?? payment.amountCents,
        currency: 'eur',
        metadata: { orderId },
      },
    },
  });
}

const outboxCount = (type: string, orderId: string) =>
  stack.db.outboxEvent.count({ where: { type, payload: { path: ['orderId'], equals: orderId } } });

describe('payment webhook', () => {
  test('one event delivered 20 times: one PAID transition, one OrderPaid', async () => {
    const { order, payment, type } = await pendingOrder();
    const body = succeededEvent(payment, order.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(body, signatureHeader(DEV_PAYMENT_WEBHOOK_SECRET, body))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.replayed).length).toBe(19);
    expect((await stack.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    expect(await outboxCount('OrderPaid', order.id)).toBe(1);
    const copy = await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } });
    expect({ held: copy.held, sold: copy.sold }).toEqual({ held: 0, sold: 2 });
  });

  test('forged, stale or missing signatures are 400 and change nothing', async () => {
    const { order, payment } = await pendingOrder();
    const body = succeededEvent(payment, order.id);
    const stale = signatureHeader(DEV_PAYMENT_WEBHOOK_SECRET, body, new Date(Date.now() - 301_000));
    for (const signature of [
      undefined,
      signatureHeader('whsec_someone_else_entirely', body),
      stale,
      't=1,v1=abc',
      signatureHeader(DEV_PAYMENT_WEBHOOK_SECRET, body + ' '),
    ]) {
      expect((await post(body, signature)).status).toBe(400);
    }
    expect((await stack.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    expect(await stack.db.webhookEvent.count({ where: { orderId: order.id } })).toBe(0);
  });

  test("a signature made by the official stripe package's test helper verifies", async () => {
    const { order, payment } = await pendingOrder();
    const body = succeededEvent(payment, order.id);
    const stripe = new Stripe('sk_test_unused');
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: DEV_PAYMENT_WEBHOOK_SECRET });
    expect((await post(body, header)).status).toBe(200);
    expect((await stack.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });

  test('unknown payments and wrong amounts are recorded and refused', async () => {
    const { order, payment } = await pendingOrder();
    const wrong = succeededEvent(payment, order.id, { amount: 1 });
    expect((await post(wrong, signatureHeader(DEV_PAYMENT_WEBHOOK_SECRET, wrong))).status).toBe(400);
    const unknown = succeededEvent({ providerPaymentId: 'mock_pi_nobody', amountCents: 100 }, randomUUID());
    expect((await post(unknown, signatureHeader(DEV_PAYMENT_WEBHOOK_SECRET, unknown))).status).toBe(400);
    const recorded = await stack.db.webhookEvent.findMany({
      where: { id: { in: [JSON.parse(wrong).id, JSON.parse(unknown).id] } },
    });
    expect(recorded.map((r) => r.outcome)).toEqual(['REJECTED', 'REJECTED']);
    expect((await stack.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });

  test('simulatePayment FAILED releases the holds', async () => {
    const { order, buyer, type } = await pendingOrder();
    const res = await stack.gql(
      `mutation($id: ID!) { simulatePayment(orderId: $id, outcome: FAILED) { status } }`,
      { id: order.id },
      { token: buyer.token },
    );
    expect(res.data!.simulatePayment.status).toBe('PAYMENT_FAILED');
    expect((await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } })).held).toBe(0);
  });
});

describe('refunds', () => {
  test('a refund restores stock and emits OrderRefunded', async () => {
    const { productId, seller } = await productWithStock(stack, 5);
    const [buyer] = await quickUsers(stack, 1);
    const res = await stack.gql(
      CHECKOUT,
      {
        input: { idempotencyKey: `ref-${randomUUID()}`, lines: [{ productId, quantity: 3 }], shippingAddress: ADDRESS },
      },
      { token: buyer!.token },
    );
    const orderId = res.data!.checkout.order.id as string;
    const paid = await stack.gql(
      `mutation($id: ID!) { simulatePayment(orderId: $id, outcome: SUCCEEDED) { status } }`,
      { id: orderId },
      { token: buyer!.token },
    );
    expect(paid.data!.simulatePayment.status).toBe('PAID');
    expect((await stack.db.stock.findFirstOrThrow({ where: { productId } })).onHand).toBe(2);
    const lineId = res.data!.checkout.order.lines[0].id as string;
    const refunded = await stack.gql(
      `mutation($id: ID!, $lines: [RefundLineInput!]) { refundOrder(id: $id, lines: $lines, reason: "damaged") { status refundedCents refunds { status amountCents lines { quantity } } } }`,
      { id: orderId, lines: [{ orderLineId: lineId, quantity: 2 }] },
      { token: seller.accessToken },
    );
    expect(refunded.errors).toBeUndefined();
    expect(refunded.data!.refundOrder).toEqual({
      status: 'PARTIALLY_REFUNDED',
      refundedCents: 3000,
      refunds: [{ status: 'SUCCEEDED', amountCents: 3000, lines: [{ quantity: 2 }] }],
    });
    expect((await stack.db.stock.findFirstOrThrow({ where: { productId } })).onHand).toBe(4);
    expect(await outboxCount('OrderRefunded', orderId)).toBe(1);
    const rest = await stack.gql(
      `mutation($id: ID!) { refundOrder(id: $id, reason: "all") { status } }`,
      { id: orderId },
      { token: seller.accessToken },
    );
    expect(rest.data!.refundOrder.status).toBe('REFUNDED');
    const again = await stack.gql(
      `mutation($id: ID!) { refundOrder(id: $id, reason: "again") { status } }`,
      { id: orderId },
      { token: seller.accessToken },
    );
    expect(codeOf(again)).toBe('CONFLICT');
  });

  test('EventCancelled refunds every paid order holding its tickets', async () => {
    const { order, buyer, type } = await pendingOrder();
    await stack.gql(
      `mutation($id: ID!) { simulatePayment(orderId: $id, outcome: SUCCEEDED) { status } }`,
      { id: order.id },
      { token: buyer.token },
    );
    await stack.db.$transaction((tx) =>
      emit(tx, 'tickets', 'EventCancelled', {
        eventId: type.eventId,
        organizerId: type.organizerId,
        reason: 'storm',
        cancelledAt: new Date().toISOString(),
      }),
    );
    await eventually(
      async () => (await stack.db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'REFUNDED',
      { what: 'the order to be refunded' },
    );
    expect(await outboxCount('OrderRefunded', order.id)).toBe(1);
  });
});

describe('authorization', () => {
  test('a customer cannot read another customer order; a seller sees only orders with their lines', async () => {
    const { order } = await pendingOrder();
    const [eve] = await quickUsers(stack, 1, 'eve');
    const ORDER = `query($id: ID!) { order(id: $id) { id lines { id } } }`;
    expect((await stack.gql(ORDER, { id: order.id }, { token: eve!.token })).data!.order).toBeNull();
    const direct = await stack.gql(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id totalCents } } }`,
      { reps: [{ __typename: 'Order', id: order.id }] },
      { url: stack.subgraphs.orders!.url, token: eve!.token },
    );
    expect(direct.data?._entities?.[0] ?? null).toBeNull();

    const a = await productWithStock(stack, 5);
    const b = await productWithStock(stack, 5);
    const [buyer] = await quickUsers(stack, 1);
    const both = await stack.gql(
      CHECKOUT,
      {
        input: {
          idempotencyKey: `two-${randomUUID()}`,
          lines: [
            { productId: a.productId, quantity: 1 },
            { productId: b.productId, quantity: 1 },
          ],
          shippingAddress: ADDRESS,
        },
      },
      { token: buyer!.token },
    );
    const orderId = both.data!.checkout.order.id as string;
    const asA = await stack.gql(ORDER, { id: orderId }, { token: a.seller.accessToken });
    expect(asA.data!.order.lines).toHaveLength(1);
    const sellerOrders = await stack.gql(
      `{ sellerOrders { totalCount edges { node { id } } } }`,
      {},
      { token: a.seller.accessToken },
    );
    expect(sellerOrders.data!.sellerOrders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([orderId]);
    const other = await signUp(stack, `other-seller-${randomUUID().slice(0, 6)}@example.com`, { roles: ['ORGANIZER'] });
    expect((await stack.gql(ORDER, { id: orderId }, { token: other.accessToken })).data!.order).toBeNull();
    expect(
      (await stack.gql(`{ sellerOrders { totalCount } }`, {}, { token: other.accessToken })).data!.sellerOrders
        .totalCount,
    ).toBe(0);
  });
});
