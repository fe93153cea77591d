import { pool, quickUsers } from '../../subgraphs/orders/test/helpers';
import { ORDER_EVENTS_CONSUMER } from '../../subgraphs/tickets/src/workers';
import { readPublishedAfter } from '../../shared/events/outbox';
import {
  availability,
  checkout,
  eventOnSale,
  newAccount,
  orderWithTickets,
  simulatePayment,
  ticketsOf,
  type Checkout,
} from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { describeWithRedis, testRedisUrl } from '../helpers/redis';
import { startStack, type Stack } from '../helpers/stack';

/**
 * "A domain event is never lost and never applied twice, across restarts of any process":
 * the tickets process's event workers die while orders are being paid, more orders are paid
 * while they are down, a crashed instance leaves events it never acknowledged (Redis) or a
 * cursor it never saved (Postgres), and events are published twice. After the restart every
 * paid order has exactly its tickets.
 */
const ORDERS = 30;

describe('tickets workers killed mid-stream and restarted, events over the Postgres outbox', () => restartTest());
describeWithRedis('tickets workers killed mid-stream and restarted, events over Redis Streams', () =>
  restartTest(testRedisUrl),
);

function restartTest(redisUrl?: string): void {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ redisUrl });
  }, 60_000);
  afterAll(() => stack?.stop());

  test(`${ORDERS} paid orders, a third of them while the consumer is down: each ends with exactly its tickets`, async () => {
    const s = stack!;
    const organizer = await newAccount(s, 'organizer', ['ORGANIZER']);
    const {
      eventId,
      ticketTypeIds: [typeId],
    } = await eventOnSale(s, organizer, [{ capacity: 500, maxPerOrder: 10 }], 'Restart festival');
    const buyers = await quickUsers(s, ORDERS);
    const quantity = (i: number) => 1 + (i % 3);
    const orders: Checkout[] = await pool(ORDERS, 6, (i) =>
      checkout(s, buyers[i]!.token, [{ ticketTypeId: typeId!, quantity: quantity(i) }]),
    );
    const pay = (i: number) => simulatePayment(s, buyers[i]!.token, orders[i]!.orderId);
    const ticketCount = (i: number) => s.db.ticket.count({ where: { orderId: orders[i]!.orderId } });
    const third = ORDERS / 3;

    // First third: everything running.
    await pool(third, 5, pay);
    // Second third: the workers die while these are paid and their tickets issued.
    const middle = pool(third, 2, (k) => pay(third + k));
    await eventually(async () => (await ticketCount(third)) > 0, {
      what: 'the consumer to start on the second third',
    });
    await s.stopWorkers('tickets');
    await middle;
    // Last third: paid while the tickets process is down (orders' relay still publishes).
    const last = Array.from({ length: third }, (_, k) => 2 * third + k);
    await pool(third, 5, (k) => pay(last[k]!));
    const lastIds = last.map((i) => orders[i]!.orderId);
    await eventually(
      async () =>
        (await s.db.outboxEvent.count({ where: { type: 'OrderPaid', publishedAt: { not: null } } })) === ORDERS,
      { what: 'every OrderPaid published' },
    );
    // Nothing issues them while the consumer is down.
    expect(await s.db.ticket.count({ where: { orderId: { in: lastIds } } })).toBe(0);
    expect((await orderWithTickets(s, buyers[last[0]!]!.token, lastIds[0]!))!.tickets).toEqual([]);

    const paidEvents = (await readPublishedAfter(s.db, 0n, 10_000)).filter((e) => e.type === 'OrderPaid');
    expect(paidEvents).toHaveLength(ORDERS);
    if (s.redis) {
      // A crashed instance of the consumer group took events and never acknowledged them; it
      // died a minute ago (longer than the claim timeout), so a live instance must claim them.
      const taken = (await s.redis.xreadgroup(
        'GROUP',
        ORDER_EVENTS_CONSUMER,
        'crashed-instance',
        'COUNT',
        4,
        'STREAMS',
        s.eventStream,
        '>',
      )) as [string, [string, string[]][]][] | null;
      const ids = (taken ?? []).flatMap(([, entries]) => entries.map(([id]) => id));
      expect(ids.length).toBeGreaterThan(0);
      await s.redis.xclaim(s.eventStream, ORDER_EVENTS_CONSUMER, 'crashed-instance', 0, ...ids, 'IDLE', 60_000);
      // And a relay whose commit failed after publishing publishes the first orders' events again.
      for (const e of paidEvents.slice(0, 5)) await s.redis.xadd(s.eventStream, '*', 'event', JSON.stringify(e));
    } else {
      // The crashed instance applied events but never saved its cursor: everything is read again.
      await s.db.consumerCursor.update({ where: { consumer: ORDER_EVENTS_CONSUMER }, data: { seq: 0n } });
    }

    s.startWorkers('tickets');
    // An order paid after the restart is issued after everything before it.
    const [late] = await quickUsers(s, 1, 'late');
    const marker = await checkout(s, late!.token, [{ ticketTypeId: typeId!, quantity: 1 }]);
    expect(await simulatePayment(s, late!.token, marker.orderId)).toBe('PAID');
    await ticketsOf(s, late!.token, marker.orderId, 1, 30_000);
    await eventually(
      async () => {
        const counts = await Promise.all(orders.map((_, i) => ticketCount(i)));
        return counts.every((c, i) => c >= quantity(i));
      },
      { what: 'every order to have its tickets', timeoutMs: 30_000 },
    );
    if (s.redis) {
      await eventually(
        async () => {
          const [pending] = (await s.redis!.xpending(s.eventStream, ORDER_EVENTS_CONSUMER)) as [number, ...unknown[]];
          return pending === 0;
        },
        { what: 'no event left unacknowledged' },
      );
    }

    // Exactly its tickets: through the gateway as each buyer sees them, and in the database.
    for (const [i, order] of orders.entries()) {
      const seen = (await orderWithTickets(s, buyers[i]!.token, order.orderId))!;
      expect({
        i,
        status: seen.status,
        tickets: seen.tickets.length,
        valid: seen.tickets.every((t) => t.status === 'VALID' && t.qr.startsWith('TK1.')),
      }).toEqual({ i, status: 'PAID', tickets: quantity(i), valid: true });
      const rows = await s.db.ticket.findMany({ where: { orderId: order.orderId }, orderBy: { seatIndex: 'asc' } });
      expect(rows.map((r) => [r.orderLineId, r.seatIndex])).toEqual(
        Array.from({ length: quantity(i) }, (_, seat) => [order.lines[0]!.id, seat]),
      );
    }
    const expected = orders.reduce((sum, _, i) => sum + quantity(i), 0) + 1;
    expect(await s.db.ticket.count({ where: { ticketTypeId: typeId! } })).toBe(expected);
    expect((await availability(s, eventId))[typeId!]).toEqual({ available: 500 - expected, sold: expected });
    // Each OrderPaid was applied once by the consumer.
    expect(
      await s.db.processedEvent.count({
        where: { consumer: ORDER_EVENTS_CONSUMER, eventId: { in: paidEvents.map((e) => e.eventId) } },
      }),
    ).toBe(ORDERS);
  }, 120_000);
}
