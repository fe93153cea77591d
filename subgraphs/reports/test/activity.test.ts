import { randomUUID } from 'node:crypto';
import type { EventCatalog } from '../../../shared/events/catalog';
import { rebuildReadModel } from '../src/domain/rebuild';
import { startReports, type ReportsHarness } from './helpers';

/**
 * The help desk's report from support's events (first responses from replies delivered out of
 * order, and an older reply event without `firstResponseAt`; breaches, resolutions, ratings)
 * and the engagement report from gamification's, by local day of a time zone; who may read
 * them; redelivery and the rebuild.
 */
let r: ReportsHarness;

const SUPPORT = `query($filter: ReportPeriodsFilter!) { supportReport(filter: $filter) { timezone granularity
  periods { start label opened resolved responded firstResponseMedianSeconds firstResponseP90Seconds slaBreached
    slaBreachRate ratings averageRating }
  totals { start label opened resolved responded firstResponseMedianSeconds firstResponseP90Seconds slaBreached
    slaBreachRate ratings averageRating } } }`;
// 10 to 12 March in Madrid (CET, +01:00).
const MARCH = { from: '2026-03-09T23:00:00Z', to: '2026-03-12T23:00:00Z', timezone: 'Europe/Madrid' };

type Ticket = { ticketId: string; number: number };
const ticket = (number: number): Ticket => ({ ticketId: randomUUID(), number });
const [a, b, c, d, late] = [ticket(1), ticket(2), ticket(3), ticket(4), ticket(5)] as const;

const created = (t: Ticket, createdAt: string): EventCatalog['SupportTicketCreated'] => ({
  ...t,
  requesterId: randomUUID(),
  channel: 'WEB',
  priority: 'NORMAL',
  categoryId: null,
  createdAt,
});
const reply = (t: Ticket, postedAt: string, firstResponseAt?: string): EventCatalog['SupportReplyPosted'] => ({
  ...t,
  subject: 'Consulta',
  messageId: randomUUID(),
  body: 'Hola',
  format: 'PLAIN',
  requesterId: null,
  guestName: null,
  guestEmail: 'guest@example.com',
  postedAt,
  ...(firstResponseAt ? { firstResponseAt } : {}),
});
const resolved = (
  t: Ticket,
  resolvedAt: string,
  rest: { firstResponseAt?: string; slaBreached?: boolean; rating?: number } = {},
): EventCatalog['SupportTicketResolved'] => ({
  ...t,
  requesterId: null,
  assigneeId: null,
  resolvedAt,
  firstResponseAt: rest.firstResponseAt ?? null,
  slaBreached: rest.slaBreached ?? false,
  satisfaction: rest.rating ? { rating: rest.rating, comment: null } : null,
});

beforeAll(async () => {
  r = await startReports();
  // A (10 March): answered after 10 min (its second reply delivered first), resolved on the
  // 11th and rated 5 (the rating event before the resolution that repeats it).
  await r.emit('SupportTicketCreated', created(a, '2026-03-10T09:00:00Z'));
  await r.emit('SupportReplyPosted', reply(a, '2026-03-10T10:00:00Z', '2026-03-10T09:10:00Z'));
  await r.emit('SupportReplyPosted', reply(a, '2026-03-10T09:10:00Z', '2026-03-10T09:10:00Z'));
  await r.emit('SupportTicketRated', {
    ticketId: a.ticketId,
    requesterId: randomUUID(),
    rating: 5,
    comment: null,
    ratedAt: '2026-03-11T08:05:00Z',
  });
  await r.emit(
    'SupportTicketResolved',
    resolved(a, '2026-03-11T08:00:00Z', { firstResponseAt: '2026-03-10T09:10:00Z', rating: 5 }),
  );
  // B (23:30 on the 10th in Madrid): answered after 2 h by a reply event from before
  // `firstResponseAt` existed; its SLA breached; still open.
  await r.emit('SupportTicketCreated', created(b, '2026-03-10T22:30:00Z'));
  await r.emit('SupportReplyPosted', reply(b, '2026-03-11T00:30:00Z'));
  await r.emit('SupportSlaBreached', {
    ...b,
    subject: 'Consulta',
    priority: 'NORMAL',
    assigneeId: null,
    breachedAt: '2026-03-11T00:00:00Z',
  });
  // C (11th): never answered, resolved breached, a guest's rating 2 (only in the resolution).
  await r.emit('SupportTicketCreated', created(c, '2026-03-11T10:00:00Z'));
  await r.emit('SupportTicketResolved', resolved(c, '2026-03-11T12:00:00Z', { slaBreached: true, rating: 2 }));
  // D (00:30 on the 11th in Madrid, the 10th in UTC): its resolution delivered before its
  // opening; answered after 30 min; resolved on the 12th, rated 4.
  await r.emit(
    'SupportTicketResolved',
    resolved(d, '2026-03-12T09:00:00Z', { firstResponseAt: '2026-03-11T00:00:00Z', rating: 4 }),
  );
  await r.emit('SupportTicketCreated', created(d, '2026-03-10T23:30:00Z'));
  await r.emit('SupportReplyPosted', reply(d, '2026-03-11T00:00:00Z', '2026-03-11T00:00:00Z'));
  // Outside the range.
  await r.emit('SupportTicketCreated', created(late, '2026-03-20T10:00:00Z'));
  await r.emit('SupportTicketResolved', resolved(late, '2026-03-20T11:00:00Z', { rating: 1 }));
  await engagementEvents();
  await r.drained();
});
afterAll(() => r?.stop());

const ENGAGEMENT = `query($filter: ReportPeriodsFilter!) { engagementReport(filter: $filter) { timezone granularity
  periods { ...figures } totals { ...figures } } }
  fragment figures on EngagementPeriod { start label pointsAwarded awards pointsReversed activeUsers badgesAwarded
    levelsReached rewardsRedeemed pointsRedeemed receiptsApproved }`;
const [u1, u2, u3] = [randomUUID(), randomUUID(), randomUUID()];

const points = (
  userId: string,
  amount: number,
  kind: EventCatalog['PointsAwarded']['kind'],
  occurredAt: string,
): EventCatalog['PointsAwarded'] => ({
  entryId: randomUUID(),
  userId,
  amount,
  kind,
  reason: 'test',
  ruleId: null,
  sourceType: null,
  sourceId: null,
  balance: 0,
  lifetimePoints: 0,
  occurredAt,
});

/** Gamification's events of 10 to 12 March (and one later), in the read model. */
async function engagementEvents() {
  // u1: 150 points on the 10th in Madrid (23:30 is still the 10th), 30 taken back on the 11th;
  // a redemption's and an adjustment's entries are not awards.
  await r.emit('PointsAwarded', points(u1, 100, 'AWARD', '2026-03-10T10:00:00Z'));
  await r.emit('PointsAwarded', points(u1, 50, 'AWARD', '2026-03-10T22:30:00Z'));
  await r.emit('PointsAwarded', points(u1, -30, 'REVERSAL', '2026-03-11T09:00:00Z'));
  await r.emit('PointsAwarded', points(u1, -200, 'REDEMPTION', '2026-03-11T09:00:00Z'));
  await r.emit('PointsAwarded', points(u1, 500, 'ADJUSTMENT', '2026-03-11T09:00:00Z'));
  // u2: 20 points at 00:30 on the 11th in Madrid (the 10th in UTC), 10 on the 12th.
  await r.emit('PointsAwarded', points(u2, 20, 'AWARD', '2026-03-10T23:30:00Z'));
  await r.emit('PointsAwarded', points(u2, 10, 'AWARD', '2026-03-12T10:00:00Z'));
  await r.emit('PointsAwarded', points(u3, 999, 'AWARD', '2026-03-20T10:00:00Z'));
  const badge = { userId: u1, badgeId: randomUUID(), name: 'Primera compra', awardedAt: '2026-03-10T10:00:00Z' };
  await r.emit('BadgeAwarded', badge);
  await r.emit('BadgeAwarded', badge); // the same badge again (a replay by its producer): once
  await r.emit('LevelReached', {
    userId: u2,
    levelId: randomUUID(),
    name: 'Fan',
    threshold: 10,
    lifetimePoints: 20,
    reachedAt: '2026-03-11T08:00:00Z',
  });
  await r.emit('RewardRedeemed', {
    redemptionId: randomUUID(),
    rewardId: randomUUID(),
    userId: u1,
    cost: 200,
    redeemedAt: '2026-03-11T09:00:00Z',
  });
  await r.emit('ReceiptApproved', {
    receiptId: randomUUID(),
    userId: u2,
    amountCents: 1250,
    currency: 'EUR',
    merchantName: 'Mercado',
    merchantTaxId: null,
    purchasedAt: '2026-03-09T18:00:00Z',
    approvedAt: '2026-03-12T10:00:00Z',
  });
}

const admin = () => r.viewer('ADMIN');

const period = (start: string, label: string, figures: Record<string, unknown>) => ({
  start,
  label,
  opened: 0,
  resolved: 0,
  responded: 0,
  firstResponseMedianSeconds: null,
  firstResponseP90Seconds: null,
  slaBreached: 0,
  slaBreachRate: null,
  ratings: 0,
  averageRating: null,
  ...figures,
});

test('supportReport: opened, answered and breached per day opened; resolved and rated per day resolved', async () => {
  const res = await r.execute(SUPPORT, { filter: MARCH }, admin());
  expect(res.errors).toBeUndefined();
  expect(res.data!.supportReport).toEqual({
    timezone: 'Europe/Madrid',
    granularity: 'DAY',
    periods: [
      // A (600 s) and B (7200 s); B breached.
      period('2026-03-09T23:00:00.000Z', '2026-03-10', {
        opened: 2,
        responded: 2,
        firstResponseMedianSeconds: 3900,
        firstResponseP90Seconds: 6540,
        slaBreached: 1,
        slaBreachRate: 0.5,
      }),
      // C and D opened (D answered in 1800 s; C breached); A and C resolved, rated 5 and 2.
      period('2026-03-10T23:00:00.000Z', '2026-03-11', {
        opened: 2,
        resolved: 2,
        responded: 1,
        firstResponseMedianSeconds: 1800,
        firstResponseP90Seconds: 1800,
        slaBreached: 1,
        slaBreachRate: 0.5,
        ratings: 2,
        averageRating: 3.5,
      }),
      period('2026-03-11T23:00:00.000Z', '2026-03-12', { resolved: 1, ratings: 1, averageRating: 4 }),
    ],
    totals: period('2026-03-09T23:00:00.000Z', '2026-03-10', {
      opened: 4,
      resolved: 3,
      responded: 3,
      firstResponseMedianSeconds: 1800,
      firstResponseP90Seconds: 6120,
      slaBreached: 2,
      slaBreachRate: 0.5,
      ratings: 3,
      averageRating: 11 / 3,
    }),
  });
});

test('supportReport: an empty range has no periods and zero totals', async () => {
  const res = await r.execute(
    SUPPORT,
    { filter: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } },
    admin(),
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.supportReport.periods).toEqual([]);
  expect(res.data!.supportReport.totals).toEqual(period('2026-01-01T00:00:00.000Z', expect.any(String), {}));
});

test('supportReport: ADMIN and support agents; organizers, customers and anonymous callers are refused', async () => {
  const agent = await r.execute(SUPPORT, { filter: MARCH }, r.viewer('AGENT'));
  expect(agent.errors).toBeUndefined();
  expect(agent.data!.supportReport.totals.opened).toBe(4);
  for (const [viewer, code] of [
    [r.viewer('ORGANIZER'), 'FORBIDDEN'],
    [r.viewer('CUSTOMER'), 'FORBIDDEN'],
    [null, 'UNAUTHENTICATED'],
  ] as const) {
    const res = await r.execute(SUPPORT, { filter: MARCH }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.data?.supportReport ?? null).toBeNull();
  }
});

test('supportReport: bad input is refused naming the field', async () => {
  const field = async (filter: object) => {
    const res = await r.execute(SUPPORT, { filter: { ...MARCH, ...filter } }, admin());
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return res.errors?.[0]?.extensions?.field;
  };
  expect(await field({ timezone: 'Mars/Olympus' })).toBe('filter.timezone');
  expect(await field({ to: MARCH.from })).toBe('filter.to');
  expect(await field({ granularity: 'HOUR', to: '2027-03-27T00:00:00Z' })).toBe('filter.to');
});

const engagement = (start: string, label: string, figures: Record<string, unknown>) => ({
  start,
  label,
  pointsAwarded: 0,
  awards: 0,
  pointsReversed: 0,
  activeUsers: 0,
  badgesAwarded: 0,
  levelsReached: 0,
  rewardsRedeemed: 0,
  pointsRedeemed: 0,
  receiptsApproved: 0,
  ...figures,
});

test('engagementReport: points, active users, badges, levels, rewards and receipts per local day', async () => {
  const res = await r.execute(ENGAGEMENT, { filter: MARCH }, admin());
  expect(res.errors).toBeUndefined();
  expect(res.data!.engagementReport).toEqual({
    timezone: 'Europe/Madrid',
    granularity: 'DAY',
    periods: [
      engagement('2026-03-09T23:00:00.000Z', '2026-03-10', {
        pointsAwarded: 150,
        awards: 2,
        activeUsers: 1,
        badgesAwarded: 1,
      }),
      engagement('2026-03-10T23:00:00.000Z', '2026-03-11', {
        pointsAwarded: 20,
        awards: 1,
        pointsReversed: 30,
        activeUsers: 1,
        levelsReached: 1,
        rewardsRedeemed: 1,
        pointsRedeemed: 200,
      }),
      engagement('2026-03-11T23:00:00.000Z', '2026-03-12', {
        pointsAwarded: 10,
        awards: 1,
        activeUsers: 1,
        receiptsApproved: 1,
      }),
    ],
    // u2 was active on two days: one user of the range.
    totals: engagement('2026-03-09T23:00:00.000Z', '2026-03-10', {
      pointsAwarded: 180,
      awards: 4,
      pointsReversed: 30,
      activeUsers: 2,
      badgesAwarded: 1,
      levelsReached: 1,
      rewardsRedeemed: 1,
      pointsRedeemed: 200,
      receiptsApproved: 1,
    }),
  });
  const empty = await r.execute(
    ENGAGEMENT,
    { filter: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } },
    admin(),
  );
  expect(empty.data!.engagementReport.periods).toEqual([]);
  expect(empty.data!.engagementReport.totals).toEqual(engagement('2026-01-01T00:00:00.000Z', expect.any(String), {}));
});

test('engagementReport: ADMIN only', async () => {
  for (const [viewer, code] of [
    [r.viewer('AGENT'), 'FORBIDDEN'],
    [r.viewer('ORGANIZER'), 'FORBIDDEN'],
    [r.viewer('CUSTOMER'), 'FORBIDDEN'],
    [null, 'UNAUTHENTICATED'],
  ] as const) {
    const res = await r.execute(ENGAGEMENT, { filter: MARCH }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.data?.engagementReport ?? null).toBeNull();
  }
  const bad = await r.execute(ENGAGEMENT, { filter: { ...MARCH, timezone: 'Nowhere/Else' } }, admin());
  expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.timezone' });
});

const readBoth = (granularity: string) =>
  Promise.all([
    r.execute(SUPPORT, { filter: { ...MARCH, granularity } }, admin()),
    r.execute(ENGAGEMENT, { filter: { ...MARCH, granularity } }, admin()),
  ]);

test('redelivered events change nothing', async () => {
  const before = await readBoth('DAY');
  await r.replayAll();
  expect(await readBoth('DAY')).toEqual(before);
});

test('the rebuild replays the log to the same figures', async () => {
  const before = await readBoth('HOUR');
  expect(before[0].data!.supportReport.periods.length).toBeGreaterThan(3);
  expect(before[1].data!.engagementReport.periods.length).toBeGreaterThan(3);
  await rebuildReadModel(r.db);
  await r.drained();
  expect(await readBoth('HOUR')).toEqual(before);
});
