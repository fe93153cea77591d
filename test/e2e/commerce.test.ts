import { randomUUID } from 'node:crypto';
import {
  CHECK_IN,
  availability,
  checkout,
  deliverWebhook,
  eventOnSale,
  newAccount,
  ok,
  orderWithTickets,
  outboxRows,
  paymentSucceededBody,
  productsInStock,
  simulatePayment,
  ticketsOf,
  type Account,
} from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { testRedisUrl } from '../helpers/redis';
import { startStack, type Stack } from '../helpers/stack';
import { codeOf } from '../helpers/users';

/**
 * The commerce flows end to end: through the gateway over HTTP, every subgraph and its event
 * workers on a real Postgres, domain events over Redis Streams when a Redis answers (always on
 * CI), else over the Postgres outbox.
 */
let stack: Stack;
/** The stack's clock runs this far ahead of the wall clock (the hold-expiry test moves it). */
let clockOffsetMs = 0;
let organizer: Account;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl, now: () => new Date(Date.now() + clockOffsetMs) });
  organizer = await newAccount(stack, 'organizer', ['ORGANIZER']);
}, 60_000);
afterAll(() => stack?.stop());

const ORDER_STATUS = `query($id: ID!) { order(id: $id) { status refundedCents } }`;
const REFUND = `mutation($id: ID!, $lines: [RefundLineInput!], $reason: String!) { refundOrder(id: $id, lines: $lines, reason: $reason) { status refundedCents } }`;

describe('a paid order issues exactly its tickets, once', () => {
  test('tickets and a product, paid by a signed webhook delivered 20 times (and 20 more later): one PAID, one OrderPaid, one set of tickets', async () => {
    const {
      eventId,
      ticketTypeIds: [vip, general],
    } = await eventOnSale(stack, organizer, [
      { name: 'VIP', capacity: 20, priceCents: 9000 },
      { name: 'General', capacity: 50 },
    ]);
    const [productId] = await productsInStock(stack, organizer, 1, 10);
    const buyer = await newAccount(stack, 'buyer');
    const order = await checkout(stack, buyer.accessToken, [
      { ticketTypeId: vip!, quantity: 3 },
      { ticketTypeId: general!, quantity: 2 },
      { productId: productId!, quantity: 1 },
    ]);
    expect(await availability(stack, eventId)).toEqual({
      [vip!]: { available: 17, sold: 0 },
      [general!]: { available: 48, sold: 0 },
    });

    const body = paymentSucceededBody(order);
    const first = await Promise.all(Array.from({ length: 20 }, () => deliverWebhook(stack, body)));
    expect(first.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(first.filter((r) => r.body.replayed)).toHaveLength(19);

    const tickets = await ticketsOf(stack, buyer.accessToken, order.orderId, 5);
    const paid = await ok(
      stack,
      `query($id: ID!) { order(id: $id) { status paidAt } }`,
      { id: order.orderId },
      buyer.accessToken,
    );
    expect(paid.order.status).toBe('PAID');

    // Delivered again after the tickets exist: still nothing changes.
    const later = await Promise.all(Array.from({ length: 20 }, () => deliverWebhook(stack, body)));
    expect(later.every((r) => r.status === 200 && r.body.replayed === true)).toBe(true);
    // Another order paid afterwards (through simulatePayment) proves the consumer went past
    // anything the replays could have caused.
    const marker = await checkout(stack, buyer.accessToken, [{ ticketTypeId: general!, quantity: 2 }]);
    expect(await simulatePayment(stack, buyer.accessToken, marker.orderId)).toBe('PAID');
    const markerTickets = await ticketsOf(stack, buyer.accessToken, marker.orderId, 2);
    expect(markerTickets.map((t) => t.ticketType.id)).toEqual([general, general]);

    const after = (await orderWithTickets(stack, buyer.accessToken, order.orderId))!;
    expect(after.status).toBe('PAID');
    expect(after.tickets).toEqual(tickets); // same ids, same codes, nothing added
    const perType = (ts: typeof tickets) =>
      ts.reduce<Record<string, number>>(
        (acc, t) => ({ ...acc, [t.ticketType.id]: (acc[t.ticketType.id] ?? 0) + 1 }),
        {},
      );
    expect(perType(after.tickets)).toEqual({ [vip!]: 3, [general!]: 2 });
    expect(after.tickets.every((t) => t.status === 'VALID' && /^TK1\.[^.]+\.[^.]+\.[^.]+$/.test(t.qr))).toBe(true);
    expect(new Set(after.tickets.map((t) => t.qr)).size).toBe(5);
    expect(
      (await ok(stack, `query($id: ID!) { order(id: $id) { paidAt } }`, { id: order.orderId }, buyer.accessToken)).order
        .paidAt,
    ).toBe(paid.order.paidAt);

    expect(await outboxRows(stack, 'OrderPaid', order.orderId)).toBe(1);
    expect(await stack.db.webhookEvent.count({ where: { orderId: order.orderId } })).toBe(1);
    expect(await availability(stack, eventId)).toEqual({
      [vip!]: { available: 17, sold: 3 },
      [general!]: { available: 46, sold: 4 },
    });
    const myTickets = await ok(stack, `{ myTickets(first: 50) { totalCount } }`, {}, buyer.accessToken);
    expect(myTickets.myTickets.totalCount).toBe(7);
  }, 60_000);
});

describe('one federated order query', () => {
  const ORDER_QUERY = `query($id: ID!) {
    order(id: $id) {
      id status
      buyer { id email }
      lines { id quantity ticketType { id name priceCents available event { id title } } product { id title } }
      tickets { id qr status event { title } }
    }
  }`;

  test('costs the same number of SQL queries for an order of 1, 2 and 50 lines', async () => {
    const buyer = await newAccount(stack, 'big-buyer');
    // 50 lines: 40 ticket types over 20 events, 10 products.
    const events = [];
    for (let i = 0; i < 20; i++)
      events.push(await eventOnSale(stack, organizer, [{ name: `Early ${i}` }, { name: `Late ${i}` }], `Gig ${i}`));
    const products = await productsInStock(stack, organizer, 10);
    const ticketTypeIds = events.flatMap((e) => e.ticketTypeIds);
    const big = await checkout(stack, buyer.accessToken, [
      ...ticketTypeIds.map((ticketTypeId) => ({ ticketTypeId, quantity: 1 })),
      ...products.map((productId) => ({ productId, quantity: 1 })),
    ]);
    const one = await checkout(stack, buyer.accessToken, [{ ticketTypeId: ticketTypeIds[0]!, quantity: 1 }]);
    const two = await checkout(stack, buyer.accessToken, [
      { ticketTypeId: ticketTypeIds[1]!, quantity: 1 },
      { productId: products[0]!, quantity: 1 },
    ]);
    for (const o of [big, one, two]) expect(await simulatePayment(stack, buyer.accessToken, o.orderId)).toBe('PAID');
    await ticketsOf(stack, buyer.accessToken, big.orderId, 40);
    await ticketsOf(stack, buyer.accessToken, one.orderId, 1);
    await ticketsOf(stack, buyer.accessToken, two.orderId, 1);

    // Nothing else may touch the database while we count: stop every event worker.
    await stack.stopWorkers();
    try {
      const measure = async (orderId: string) => {
        await stack.gql(ORDER_QUERY, { id: orderId }, { token: buyer.accessToken }); // warm (plans, JWKS)
        const before = stack.sqlQueryCount();
        const res = await stack.gql(ORDER_QUERY, { id: orderId }, { token: buyer.accessToken });
        const queries = stack.sqlQueryCount() - before;
        expect(res.errors).toBeUndefined();
        return { order: res.data!.order, queries };
      };
      const small = await measure(one.orderId);
      const pair = await measure(two.orderId);
      const large = await measure(big.orderId);

      // The answer is complete: every line resolved across orders, tickets and users.
      expect(large.order.buyer).toEqual({ id: buyer.id, email: expect.stringContaining('big-buyer') });
      expect(large.order.lines).toHaveLength(50);
      const ticketLines = large.order.lines.filter((l: { ticketType: unknown }) => l.ticketType);
      expect(ticketLines).toHaveLength(40);
      expect(
        new Set(ticketLines.map((l: { ticketType: { event: { title: string } } }) => l.ticketType.event.title)).size,
      ).toBe(20);
      expect(
        ticketLines.every(
          (l: { ticketType: { available: number; name: string } }) =>
            l.ticketType.available >= 0 && /^(Early|Late) /.test(l.ticketType.name),
        ),
      ).toBe(true);
      expect(
        large.order.lines.filter((l: { product: { title: string } | null }) => l.product?.title.startsWith('T-shirt')),
      ).toHaveLength(10);
      expect(large.order.tickets).toHaveLength(40);
      expect(small.order.lines).toHaveLength(1);

      console.log(
        `SQL queries for one order query through the gateway: 1 line ${small.queries}, 2 lines ${pair.queries}, 50 lines ${large.queries}`,
      );
      expect(large.queries).toBe(pair.queries);
      // The 1-line order has no product line, so the product loader has nothing to fetch.
      expect(large.queries - small.queries).toBeLessThanOrEqual(1);
      expect(large.queries).toBeLessThan(30);
    } finally {
      stack.startWorkers();
    }
  }, 120_000);
});

describe('refunds void tickets and return capacity', () => {
  test('a partial then a full refund: the refunded tickets become VOIDED, scan as VOIDED, and available goes back up within a second', async () => {
    const {
      eventId,
      ticketTypeIds: [typeId],
    } = await eventOnSale(stack, organizer, [{ capacity: 5 }], 'Refund night');
    const buyer = await newAccount(stack, 'refund-buyer');
    const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 3 }]);
    expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');
    await ticketsOf(stack, buyer.accessToken, order.orderId, 3);
    expect((await availability(stack, eventId))[typeId!]).toEqual({ available: 2, sold: 3 });

    const partial = await ok(
      stack,
      REFUND,
      { id: order.orderId, lines: [{ orderLineId: order.lines[0]!.id, quantity: 1 }], reason: 'one cannot come' },
      organizer.accessToken,
    );
    expect(partial.refundOrder).toEqual({ status: 'PARTIALLY_REFUNDED', refundedCents: 2500 });
    await eventually(async () => (await availability(stack, eventId))[typeId!]!.available === 3, {
      what: 'capacity back after the partial refund',
      timeoutMs: 1_000,
    });
    const afterPartial = await eventually(
      async () => {
        const o = await orderWithTickets(stack, buyer.accessToken, order.orderId);
        return o!.tickets.filter((t) => t.status === 'VOIDED').length >= 1 && o!.tickets;
      },
      { what: 'one ticket voided' },
    );
    expect(afterPartial.map((t) => t.status).sort()).toEqual(['VALID', 'VALID', 'VOIDED']);
    const voided = afterPartial.find((t) => t.status === 'VOIDED')!;
    const scan = await ok(
      stack,
      CHECK_IN,
      { input: { qr: voided.qr, eventId, nonce: `scan-${randomUUID()}` } },
      organizer.accessToken,
    );
    expect(scan.checkIn).toEqual({ status: 'VOIDED', checkedInAt: null, ticket: { id: voided.id, status: 'VOIDED' } });

    const full = await ok(stack, REFUND, { id: order.orderId, reason: 'event moved' }, organizer.accessToken);
    expect(full.refundOrder).toEqual({ status: 'REFUNDED', refundedCents: 7500 });
    await eventually(async () => (await availability(stack, eventId))[typeId!]!.available === 5, {
      what: 'all capacity back after the full refund',
      timeoutMs: 1_000,
    });
    expect((await availability(stack, eventId))[typeId!]).toEqual({ available: 5, sold: 0 });
    const afterFull = await eventually(
      async () => {
        const o = await orderWithTickets(stack, buyer.accessToken, order.orderId);
        return o!.tickets.every((t) => t.status === 'VOIDED') && o!.tickets;
      },
      { what: 'every ticket voided' },
    );
    expect(afterFull.map((t) => t.id).sort()).toEqual(afterPartial.map((t) => t.id).sort());
    for (const t of afterFull) {
      const res = await ok(
        stack,
        CHECK_IN,
        { input: { qr: t.qr, eventId, nonce: `scan-${randomUUID()}` } },
        organizer.accessToken,
      );
      expect(res.checkIn.status).toBe('VOIDED');
    }
    expect(await stack.db.checkIn.count({ where: { ticketId: { in: afterFull.map((t) => t.id) } } })).toBe(0);
    // The freed seats sell again.
    const again = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 5 }]);
    expect(again.orderId).toBeTruthy();
    expect((await availability(stack, eventId))[typeId!]!.available).toBe(0);
  }, 60_000);
});

describe('a ticket type orders has not learnt yet', () => {
  test('shows as not on sale instead of nulling its event, and goes on sale once orders catches up', async () => {
    await stack.stopWorkers('orders');
    let sale: Awaited<ReturnType<typeof eventOnSale>>;
    try {
      sale = await eventOnSale(stack, organizer, [{ capacity: 7 }], 'Not yet copied', false);
      const res = await stack.gql(`query($id: ID!) { event(id: $id) { title ticketTypes { id available sold } } }`, {
        id: sale.eventId,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!.event).toEqual({
        title: 'Not yet copied',
        ticketTypes: [{ id: sale.ticketTypeIds[0], available: 0, sold: 0 }],
      });
    } finally {
      stack.startWorkers('orders');
    }
    await eventually(async () => (await availability(stack, sale.eventId))[sale.ticketTypeIds[0]!]!.available === 7, {
      what: 'orders to put it on sale',
    });
  }, 60_000);
});

describe('a refunded ticket that was already scanned', () => {
  test('is voided too, so the seat it frees is never held by two live tickets', async () => {
    const {
      eventId,
      ticketTypeIds: [typeId],
    } = await eventOnSale(stack, organizer, [{ capacity: 1 }], 'One seat');
    const first = await newAccount(stack, 'scanned-buyer');
    const order = await checkout(stack, first.accessToken, [{ ticketTypeId: typeId!, quantity: 1 }]);
    expect(await simulatePayment(stack, first.accessToken, order.orderId)).toBe('PAID');
    const [ticket] = await ticketsOf(stack, first.accessToken, order.orderId, 1);
    const scan = await ok(
      stack,
      CHECK_IN,
      { input: { qr: ticket!.qr, eventId, nonce: `scan-${randomUUID()}` } },
      organizer.accessToken,
    );
    expect(scan.checkIn.status).toBe('ACCEPTED');

    await ok(stack, REFUND, { id: order.orderId, reason: 'left early' }, organizer.accessToken);
    await eventually(
      async () => (await orderWithTickets(stack, first.accessToken, order.orderId))!.tickets[0]!.status === 'VOIDED',
      { what: 'the scanned ticket voided' },
    );

    const second = await newAccount(stack, 'second-buyer');
    const resale = await checkout(stack, second.accessToken, [{ ticketTypeId: typeId!, quantity: 1 }]);
    expect(await simulatePayment(stack, second.accessToken, resale.orderId)).toBe('PAID');
    await ticketsOf(stack, second.accessToken, resale.orderId, 1);
    expect(await stack.db.ticket.count({ where: { ticketTypeId: typeId!, status: { not: 'VOIDED' } } })).toBe(1);
  }, 60_000);
});

describe('cancelling an event', () => {
  test('refunds every paid order holding its tickets, voids them, cancels unpaid ones, and leaves other events alone', async () => {
    const doomed = await eventOnSale(stack, organizer, [{ capacity: 10 }], 'Doomed gig');
    const other = await eventOnSale(stack, organizer, [{ capacity: 10 }], 'Safe gig');
    const [t, u] = [doomed.ticketTypeIds[0]!, other.ticketTypeIds[0]!];
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((n) => newAccount(stack, n)),
    );
    const a = await checkout(stack, alice!.accessToken, [{ ticketTypeId: t, quantity: 2 }]);
    const b = await checkout(stack, bob!.accessToken, [{ ticketTypeId: t, quantity: 1 }]);
    const mixed = await checkout(stack, dave!.accessToken, [
      { ticketTypeId: t, quantity: 1 },
      { ticketTypeId: u, quantity: 1 },
    ]);
    for (const [who, o] of [
      [alice!, a],
      [bob!, b],
      [dave!, mixed],
    ] as const)
      expect(await simulatePayment(stack, who.accessToken, o.orderId)).toBe('PAID');
    const unpaid = await checkout(stack, carol!.accessToken, [{ ticketTypeId: t, quantity: 3 }]);
    await ticketsOf(stack, alice!.accessToken, a.orderId, 2);
    await ticketsOf(stack, bob!.accessToken, b.orderId, 1);
    await ticketsOf(stack, dave!.accessToken, mixed.orderId, 2);
    expect((await availability(stack, doomed.eventId))[t]).toEqual({ available: 3, sold: 4 });

    const cancelled = await ok(
      stack,
      `mutation($id: ID!) { cancelEvent(id: $id, reason: "storm") { status } }`,
      { id: doomed.eventId },
      organizer.accessToken,
    );
    expect(cancelled.cancelEvent.status).toBe('CANCELLED');

    const statusOf = async (who: Account, orderId: string) =>
      (await ok(stack, ORDER_STATUS, { id: orderId }, who.accessToken)).order;
    for (const [who, o, count] of [
      [alice!, a, 2],
      [bob!, b, 1],
    ] as const) {
      await eventually(async () => (await statusOf(who, o.orderId)).status === 'REFUNDED', {
        what: `order of ${count} refunded`,
      });
      const voided = await eventually(
        async () => {
          const ts = (await orderWithTickets(stack, who.accessToken, o.orderId))!.tickets;
          return ts.every((x) => x.status === 'VOIDED') && ts;
        },
        { what: 'its tickets voided' },
      );
      expect(voided).toHaveLength(count);
      expect(await outboxRows(stack, 'OrderRefunded', o.orderId)).toBe(1);
    }
    expect(await statusOf(alice!, a.orderId)).toEqual({ status: 'REFUNDED', refundedCents: 5000 });
    // Only the cancelled event's line of the mixed order is refunded.
    await eventually(async () => (await statusOf(dave!, mixed.orderId)).status === 'PARTIALLY_REFUNDED', {
      what: 'mixed order partially refunded',
    });
    const daveTickets = await eventually(
      async () => {
        const ts = (await orderWithTickets(stack, dave!.accessToken, mixed.orderId))!.tickets;
        return ts.some((x) => x.status === 'VOIDED') && ts;
      },
      { what: 'the doomed ticket of the mixed order voided' },
    );
    expect(Object.fromEntries(daveTickets.map((x) => [x.ticketType.id, x.status]))).toEqual({
      [t]: 'VOIDED',
      [u]: 'VALID',
    });
    expect(await statusOf(dave!, mixed.orderId)).toEqual({ status: 'PARTIALLY_REFUNDED', refundedCents: 2500 });
    await eventually(async () => (await statusOf(carol!, unpaid.orderId)).status === 'CANCELLED', {
      what: 'unpaid order cancelled',
    });
    expect((await availability(stack, other.eventId))[u]).toEqual({ available: 9, sold: 1 });
    // And the cancelled event sells nothing more.
    const afterwards = await stack.gql(
      `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } } }`,
      { input: { idempotencyKey: `after-${randomUUID()}`, lines: [{ ticketTypeId: t, quantity: 1 }] } },
      { token: carol!.accessToken },
    );
    expect(codeOf(afterwards)).toBe('CONFLICT');
  }, 60_000);
});

describe('holds', () => {
  test('a hold that expires returns its capacity', async () => {
    const {
      eventId,
      ticketTypeIds: [typeId],
    } = await eventOnSale(stack, organizer, [{ capacity: 3 }], 'Short hold');
    const buyer = await newAccount(stack, 'holder');
    const held = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 3 }]);
    expect((await availability(stack, eventId))[typeId!]).toEqual({ available: 0, sold: 0 });
    const late = await stack.gql(
      `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } } }`,
      { input: { idempotencyKey: `late-${randomUUID()}`, lines: [{ ticketTypeId: typeId, quantity: 1 }] } },
      { token: buyer.accessToken },
    );
    expect(codeOf(late)).toBe('SOLD_OUT');

    // Holds last 15 minutes: move the stack's clock past that.
    clockOffsetMs = 16 * 60_000;
    try {
      await eventually(async () => (await availability(stack, eventId))[typeId!]!.available === 3, {
        what: 'the expired hold to return its capacity',
      });
      expect((await ok(stack, ORDER_STATUS, { id: held.orderId }, buyer.accessToken)).order.status).toBe('EXPIRED');
      const again = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 3 }]);
      expect(again.orderId).not.toBe(held.orderId);
      expect((await availability(stack, eventId))[typeId!]!.available).toBe(0);
    } finally {
      clockOffsetMs = 0;
    }
  }, 30_000);
});
