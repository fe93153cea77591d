import { randomUUID } from 'node:crypto';
import { eventually } from '../../../test/helpers/eventually';
import { describeWithRedis, testRedisUrl } from '../../../test/helpers/redis';
import { startStack, type Stack } from '../../../test/helpers/stack';
import { codeOf } from '../../../test/helpers/users';
import { CHECKOUT, feedTicketType, pool, quickUsers } from './helpers';

/** The same flows with domain events over Redis Streams (reported as skipped where no Redis answers; never on CI). */
describeWithRedis('orders over Redis Streams', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ redisUrl: testRedisUrl! });
  });
  afterAll(() => s.stop());

  test('ticket types arrive, 300 checkouts for 30 seats hold exactly 30, payment emits OrderPaid once', async () => {
    const type = await feedTicketType(s, { capacity: 30 });
    const buyers = await quickUsers(s, 20);
    const results = await pool(300, 50, (i) =>
      s.gql(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `r-${i}-${randomUUID()}`,
            lines: [{ ticketTypeId: type.ticketTypeId, quantity: 1 }],
          },
        },
        { token: buyers[i % 20]!.token },
      ),
    );
    const counts = results
      .map((r) => codeOf(r) ?? 'OK')
      .reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    expect(counts).toEqual({ OK: 30, SOLD_OUT: 270 });
    const won = results.findIndex((r) => !r.errors);
    const orderId = results[won]!.data!.checkout.order.id as string;
    const paid = await s.gql(
      `mutation($id: ID!) { simulatePayment(orderId: $id, outcome: SUCCEEDED) { status } }`,
      { id: orderId },
      { token: buyers[won % 20]!.token },
    );
    expect(paid.data!.simulatePayment.status).toBe('PAID');
    await eventually(
      async () =>
        (
          await s.db.outboxEvent.findFirst({
            where: { type: 'OrderPaid', payload: { path: ['orderId'], equals: orderId } },
          })
        )?.publishedAt != null,
      { what: 'OrderPaid to be published' },
    );
    expect(
      await s.db.outboxEvent.count({ where: { type: 'OrderPaid', payload: { path: ['orderId'], equals: orderId } } }),
    ).toBe(1);
  }, 60_000);
});
