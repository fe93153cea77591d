import { randomUUID } from 'node:crypto';
import { startGamification, type GamificationHarness } from './helpers';
import { checkedIn, rule } from './fixtures';

/** Leaderboards in Europe/Madrid, read with a fixed clock: Sunday 2026-03-29, 23:30 local (CEST). */
const NOW = new Date('2026-03-29T21:30:00.000Z');
let g: GamificationHarness;
beforeAll(async () => {
  g = await startGamification({ now: () => NOW });
  await rule(g, { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 10 });
});
afterAll(() => g.stop());

const BOARD = `query ($period: LeaderboardPeriod!, $first: Int, $after: String) {
  leaderboard(period: $period, first: $first, after: $after) {
    startsAt endsAt timeZone totalCount
    edges { cursor node { rank points anonymous isViewer user { id } } }
    pageInfo { hasNextPage endCursor }
    viewerEntry { rank points }
  } }`;

interface Board {
  startsAt: string;
  endsAt: string;
  timeZone: string;
  totalCount: number;
  edges: {
    cursor: string;
    node: { rank: number; points: number; anonymous: boolean; isViewer: boolean; user: { id: string } | null };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  viewerEntry: { rank: number; points: number } | null;
}

async function board(period: string, viewerId?: string, first = 20, after?: string): Promise<Board> {
  const res = await g.execute<{ leaderboard: Board }>(
    BOARD,
    { period, first, after },
    viewerId ? g.viewer('CUSTOMER', viewerId) : null,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.leaderboard;
}

const a = randomUUID();
const b = randomUUID();
const c = randomUUID();
const d = randomUUID();

test('windows follow local midnight and the DST change', async () => {
  await g.deliver('TicketCheckedIn', checkedIn(a, '2026-03-28T23:30:00.000Z')); // Sunday 00:30 CET: today
  await g.deliver('TicketCheckedIn', checkedIn(a, '2026-03-29T12:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(b, '2026-03-28T22:30:00.000Z')); // Saturday 23:30: this week
  await g.deliver('TicketCheckedIn', checkedIn(c, '2026-03-29T22:30:00.000Z')); // Monday 00:30 CEST: next week
  const day = await board('DAY');
  // A 23-hour day: midnight CET to midnight CEST.
  expect([day.startsAt, day.endsAt, day.timeZone]).toEqual([
    '2026-03-28T23:00:00.000Z',
    '2026-03-29T22:00:00.000Z',
    'Europe/Madrid',
  ]);
  expect(day.edges.map((e) => [e.node.user?.id, e.node.points])).toEqual([[a, 20]]);
  const week = await board('WEEK');
  expect(week.startsAt).toBe('2026-03-22T23:00:00.000Z');
  expect(week.edges.map((e) => e.node.user?.id)).toEqual([a, b]);
  const all = await board('ALL_TIME');
  expect(all.edges.map((e) => e.node.user?.id)).toEqual([a, b, c]);
});

test('ties go to whoever reached the total first; pages continue the ranks; the viewer is always there', async () => {
  await g.deliver('TicketCheckedIn', checkedIn(d, '2026-03-29T13:00:00.000Z')); // d: 10 today, after b's 10 yesterday
  await g.deliver('TicketCheckedIn', checkedIn(d, '2026-03-29T14:00:00.000Z')); // d: 20, after a reached 20
  const week = await board('WEEK', b, 2);
  expect(week.edges.map((e) => [e.node.rank, e.node.user?.id, e.node.points])).toEqual([
    [1, a, 20],
    [2, d, 20],
  ]);
  expect(week.viewerEntry).toEqual({ rank: 3, points: 10 });
  expect(week.totalCount).toBe(3);
  const next = await board('WEEK', b, 2, week.pageInfo.endCursor!);
  expect(next.edges.map((e) => [e.node.rank, e.node.user?.id, e.node.isViewer])).toEqual([[3, b, true]]);
  expect(next.pageInfo.hasNextPage).toBe(false);
});

test('hidden users are anonymous to others, never named; they still see themselves', async () => {
  const res = await g.execute(`mutation { setLeaderboardVisibility(hidden: true) }`, {}, g.viewer('CUSTOMER', a));
  expect(res.errors).toBeUndefined();
  const seenByB = await board('WEEK', b);
  expect(seenByB.edges[0]!.node).toMatchObject({ rank: 1, anonymous: true, user: null });
  expect(JSON.stringify(seenByB)).not.toContain(a);
  const seenByA = await board('WEEK', a);
  expect(seenByA.edges[0]!.node).toMatchObject({ rank: 1, isViewer: true, user: { id: a } });
  // Their standing is hidden too, except from themselves.
  const rank = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { rank(period: WEEK) { rank } lifetimePoints } } }`;
  const other = await g.execute(rank, { reps: [{ __typename: 'User', id: a }] }, g.viewer('CUSTOMER', b));
  expect(other.data!._entities).toEqual([{ rank: null, lifetimePoints: null }]);
  const self = await g.execute(rank, { reps: [{ __typename: 'User', id: a }] }, g.viewer('CUSTOMER', a));
  expect(self.data!._entities).toEqual([{ rank: { rank: 1 }, lifetimePoints: 20 }]);
});

test('a junk cursor is BAD_USER_INPUT on after', async () => {
  for (const after of ['x', Buffer.from(JSON.stringify({ p: 'nope', r: '1', u: '1' })).toString('base64url')]) {
    const res = await g.execute(BOARD, { period: 'WEEK', after });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  }
});
