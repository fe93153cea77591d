import { randomUUID } from 'node:crypto';
import { startGamification, type GamificationHarness } from './helpers';
import { CREATE_BADGE, CREATE_LEVEL, admin, checkedIn, orderPaid, orderRefunded, rule, standing } from './fixtures';

let g: GamificationHarness;
beforeAll(async () => {
  g = await startGamification();
  await rule(g, { name: 'Compra', trigger: 'ORDER_PAID', fixedPoints: 10, pointsPerUnit: 1 });
  await rule(g, { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 50 });
  await rule(g, { name: 'Valoración', trigger: 'SUPPORT_TICKET_RATED', fixedPoints: 5 });
  await rule(g, { name: 'Bienvenida', trigger: 'ACCOUNT_REGISTERED', fixedPoints: 20 });
  await admin(g, CREATE_LEVEL, { input: { name: 'Bronce', threshold: 0 } });
  await admin(g, CREATE_LEVEL, { input: { name: 'Plata', threshold: 100 } });
  await admin(g, CREATE_BADGE, {
    input: { name: 'Primer evento', kind: 'FIRST_TIME', requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 1 }] },
  });
  await admin(g, CREATE_BADGE, {
    input: {
      name: 'Fan total',
      kind: 'COMBO',
      requirements: [
        { trigger: 'TICKET_CHECKED_IN', count: 2 },
        { trigger: 'MERCHANDISE_BOUGHT', count: 1 },
      ],
    },
  });
});
afterAll(() => g.stop());

/** Sum of the ledger per user next to the running balances: they must agree for everyone. */
async function ledgerAgreesWithBalances(): Promise<void> {
  const rows = await g.db.$queryRaw<
    { user_id: string; balance: number; sum: bigint | null; life: bigint | null; lifetime: number }[]
  >`
    SELECT b.user_id, b.balance, b.lifetime,
      (SELECT sum(amount) FROM gamification.ledger l WHERE l.user_id = b.user_id) AS sum,
      (SELECT sum(amount) FROM gamification.ledger l WHERE l.user_id = b.user_id AND kind <> 'REDEMPTION') AS life
    FROM gamification.balances b`;
  for (const r of rows) {
    expect({ user: r.user_id, balance: r.balance, lifetime: r.lifetime }).toEqual({
      user: r.user_id,
      balance: Number(r.sum ?? 0),
      lifetime: Number(r.life ?? 0),
    });
  }
  // The per-total counts ranks are computed from agree with the totals.
  const drift = await g.db.$queryRaw<unknown[]>`
    SELECT * FROM (SELECT period, start, points, count(*)::int AS users FROM gamification.period_scores GROUP BY 1, 2, 3) s
    FULL JOIN (SELECT * FROM gamification.score_counts WHERE users <> 0) c USING (period, start, points)
    WHERE s.users IS DISTINCT FROM c.users`;
  expect(drift).toEqual([]);
}

describe('earning from domain events', () => {
  test('a purchase, a check-in and a rating each earn what the rules say; level and badge follow', async () => {
    const user = randomUUID();
    await g.deliver('UserChanged', {
      userId: user,
      email: `${user}@example.com`,
      name: 'Ana',
      roles: ['CUSTOMER'],
      status: 'ACTIVE',
      changedAt: '2026-03-02T10:00:00.000Z',
    });
    expect((await standing(g, user)).points).toBe(20);
    await g.deliver('OrderPaid', orderPaid(user, 4550, '2026-03-02T11:00:00.000Z')); // 10 + 45
    expect((await standing(g, user)).points).toBe(75);
    await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-03T20:00:00.000Z'));
    await g.deliver('SupportTicketRated', {
      ticketId: randomUUID(),
      requesterId: user,
      rating: 5,
      comment: null,
      ratedAt: '2026-03-04T09:00:00.000Z',
    });
    const s = await standing(g, user);
    expect(s).toMatchObject({
      points: 130,
      lifetimePoints: 130,
      level: { name: 'Plata' },
      badges: [{ name: 'Primer evento' }],
    });
  });

  test('a rating announced by both support events earns once', async () => {
    const user = randomUUID();
    const ticketId = randomUUID();
    await g.deliver('SupportTicketRated', {
      ticketId,
      requesterId: user,
      rating: 4,
      comment: null,
      ratedAt: '2026-03-04T09:00:00.000Z',
    });
    await g.deliver('SupportTicketResolved', {
      ticketId,
      number: 1,
      requesterId: user,
      assigneeId: null,
      resolvedAt: '2026-03-04T08:00:00.000Z',
      firstResponseAt: null,
      slaBreached: false,
      satisfaction: { rating: 4, comment: null },
    });
    expect((await standing(g, user)).points).toBe(5);
  });

  test('a combo badge needs every requirement: two check-ins and merchandise', async () => {
    const user = randomUUID();
    await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-05T20:00:00.000Z'));
    await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-06T20:00:00.000Z'));
    expect((await standing(g, user)).badges.map((b) => b.name)).toEqual(['Primer evento']);
    await g.deliver('OrderPaid', orderPaid(user, 3000, '2026-03-07T10:00:00.000Z', { products: 1500 }));
    expect((await standing(g, user)).badges.map((b) => b.name)).toEqual(['Primer evento', 'Fan total']);
  });

  test('a full refund reverses the order; a partial one in proportion', async () => {
    const user = randomUUID();
    const order = orderPaid(user, 10_000, '2026-03-08T10:00:00.000Z'); // 10 + 100 = 110
    await g.deliver('OrderPaid', order);
    await g.deliver('OrderRefunded', orderRefunded(order, 5_000, '2026-03-09T10:00:00.000Z')); // -55
    expect((await standing(g, user)).points).toBe(55);
    await g.deliver('OrderRefunded', orderRefunded(order, 5_000, '2026-03-10T10:00:00.000Z'));
    expect((await standing(g, user)).points).toBe(0);
  });

  test('refunds delivered before the payment end the same as in order', async () => {
    const inOrder = randomUUID();
    const early = randomUUID();
    for (const user of [inOrder, early]) {
      const order = orderPaid(user, 3_333, '2026-03-08T10:00:00.000Z'); // 10 + 33 = 43
      const refunds = [
        orderRefunded(order, 1_000, '2026-03-09T10:00:00.000Z'),
        orderRefunded(order, 1_111, '2026-03-09T11:00:00.000Z'),
      ];
      if (user === inOrder) {
        await g.deliver('OrderPaid', order);
        for (const r of refunds) await g.deliver('OrderRefunded', r);
      } else {
        for (const r of refunds.reverse()) await g.deliver('OrderRefunded', r);
        expect((await standing(g, user)).points).toBe(0);
        await g.deliver('OrderPaid', order);
      }
    }
    const [a, b] = [await standing(g, inOrder), await standing(g, early)];
    expect(a.points).toBe(43 - Math.floor((43 * 2_111) / 3_333));
    expect(b.points).toBe(a.points);
  });

  test('a voided ticket takes back its check-in points, in either delivery order', async () => {
    const first = randomUUID();
    const second = randomUUID();
    const a = checkedIn(first, '2026-03-10T20:00:00.000Z');
    await g.deliver('TicketCheckedIn', a);
    await g.deliver('TicketVoided', { ...a, wasCheckedIn: true, voidedAt: '2026-03-11T10:00:00.000Z' });
    const b = checkedIn(second, '2026-03-10T20:00:00.000Z');
    await g.deliver('TicketVoided', { ...b, wasCheckedIn: true, voidedAt: '2026-03-11T10:00:00.000Z' });
    await g.deliver('TicketCheckedIn', b);
    expect((await standing(g, first)).points).toBe(0);
    expect((await standing(g, second)).points).toBe(0);
  });

  test('replaying every event twice and restarting the consumer mid-stream changes no balance', async () => {
    const users = Array.from({ length: 8 }, () => randomUUID());
    await g.stopWorkers();
    // A random workload, emitted while the consumer is down, then consumed after a restart.
    let day = 1;
    for (let i = 0; i < 40; i++) {
      const user = users[Math.floor(Math.random() * users.length)]!;
      const at = `2026-04-${String((day++ % 28) + 1).padStart(2, '0')}T12:00:00.000Z`;
      const kind = Math.random();
      if (kind < 0.4) {
        const order = orderPaid(user, 1000 + Math.floor(Math.random() * 9000), at);
        await g.emitOnly('OrderPaid', order);
        if (Math.random() < 0.4)
          await g.emitOnly('OrderRefunded', orderRefunded(order, Math.floor(order.totalCents / 3), at));
      } else if (kind < 0.8) {
        const c = checkedIn(user, at);
        await g.emitOnly('TicketCheckedIn', c);
        if (Math.random() < 0.3) await g.emitOnly('TicketVoided', { ...c, wasCheckedIn: true, voidedAt: at });
      } else {
        await g.emitOnly('SupportTicketRated', {
          ticketId: randomUUID(),
          requesterId: user,
          rating: 3,
          comment: null,
          ratedAt: at,
        });
      }
      if (i === 20) g.startWorkers();
      if (i === 25) await g.stopWorkers();
    }
    g.startWorkers();
    await g.drained();
    const before = await g.db.balance.findMany({ orderBy: { userId: 'asc' } });
    const entries = await g.db.ledgerEntry.count();
    await g.replayAll();
    await g.replayAll();
    expect(await g.db.balance.findMany({ orderBy: { userId: 'asc' } })).toEqual(before);
    expect(await g.db.ledgerEntry.count()).toBe(entries);
    await ledgerAgreesWithBalances();
  });
});
