import { randomUUID } from 'node:crypto';
import { startGamification, type GamificationHarness } from './helpers';
import { admin, checkedIn, orderPaid, orderRefunded, rule } from './fixtures';

/** Per-challenge leaderboards and challenges limited to one organizer's buyers, with a fixed clock. */
const NOW = new Date('2026-06-10T12:00:00.000Z');
let g: GamificationHarness;
beforeAll(async () => {
  g = await startGamification({ now: () => NOW });
  await rule(g, { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 10 });
  await rule(g, { name: 'Compra', trigger: 'ORDER_PAID', fixedPoints: 5 });
});
afterAll(() => g.stop());

const CREATE = `mutation ($input: ChallengeInput!) { createChallenge(input: $input) { id scopeOrganizerId } }`;
const JOIN = `mutation ($id: ID!) { joinChallenge(id: $id) { joined inScope progress } }`;
const BOARD = `query ($id: ID, $first: Int, $after: String) {
  leaderboard(challengeId: $id, first: $first, after: $after) {
    period challenge { id } startsAt endsAt totalCount
    edges { node { rank points anonymous isViewer user { id } } }
    pageInfo { hasNextPage endCursor }
    viewerEntry { rank points isViewer }
  } }`;

interface Board {
  period: string | null;
  challenge: { id: string } | null;
  startsAt: string;
  endsAt: string;
  totalCount: number;
  edges: {
    node: { rank: number; points: number; anonymous: boolean; isViewer: boolean; user: { id: string } | null };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  viewerEntry: { rank: number; points: number; isViewer: boolean } | null;
}

async function board(id: string, viewerId?: string, first = 20, after?: string): Promise<Board> {
  const res = await g.execute<{ leaderboard: Board }>(
    BOARD,
    { id, first, after },
    viewerId ? g.viewer('CUSTOMER', viewerId) : null,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.leaderboard;
}

async function create(input: Record<string, unknown>): Promise<string> {
  return (await admin<{ createChallenge: { id: string } }>(g, CREATE, { input })).createChallenge.id;
}

async function join(id: string, userId: string) {
  return g.execute<{ joinChallenge: { joined: boolean; inScope: boolean; progress: number } }>(
    JOIN,
    { id },
    g.viewer('CUSTOMER', userId),
  );
}

const JUNE = { startsAt: '2026-06-01T00:00:00.000Z', endsAt: '2026-07-01T00:00:00.000Z' };

test("participants rank by progress in the window; ties go to who reached it first; hidden ones are anonymous; the viewer's rank is always there", async () => {
  const id = await create({ name: 'Junio de conciertos', ...JUNE, goalKind: 'POINTS', goal: 100 });
  const [a, b, c, d, outsider] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  for (const user of [a, b, c, d]) expect((await join(id, user)).errors).toBeUndefined();
  await g.deliver('TicketCheckedIn', checkedIn(a, '2026-06-02T20:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(a, '2026-06-05T20:00:00.000Z')); // a: 20 on the 5th
  await g.deliver('TicketCheckedIn', checkedIn(b, '2026-06-03T20:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(b, '2026-06-04T20:00:00.000Z')); // b: 20 on the 4th, first
  await g.deliver('TicketCheckedIn', checkedIn(c, '2026-05-20T20:00:00.000Z')); // before the window
  await g.deliver('TicketCheckedIn', checkedIn(c, '2026-06-06T20:00:00.000Z')); // c: 10
  await g.deliver('TicketCheckedIn', checkedIn(outsider, '2026-06-06T20:00:00.000Z')); // never joined
  // d joined and has nothing yet: last.
  const res = await g.execute(`mutation { setLeaderboardVisibility(hidden: true) }`, {}, g.viewer('CUSTOMER', c));
  expect(res.errors).toBeUndefined();

  const top = await board(id, d, 2);
  expect([top.period, top.challenge, top.startsAt, top.endsAt, top.totalCount]).toEqual([
    null,
    { id },
    JUNE.startsAt,
    JUNE.endsAt,
    4,
  ]);
  expect(top.edges.map((e) => [e.node.rank, e.node.user?.id, e.node.points])).toEqual([
    [1, b, 20],
    [2, a, 20],
  ]);
  expect(top.viewerEntry).toEqual({ rank: 4, points: 0, isViewer: true });
  expect(top.pageInfo.hasNextPage).toBe(true);
  const rest = await board(id, d, 2, top.pageInfo.endCursor!);
  expect(rest.edges.map((e) => [e.node.rank, e.node.user?.id ?? null, e.node.anonymous, e.node.points])).toEqual([
    [3, null, true, 10],
    [4, d, false, 0],
  ]);
  expect(JSON.stringify(rest)).not.toContain(c);
  expect(rest.pageInfo.hasNextPage).toBe(false);
  // The hidden user sees themself.
  const own = await board(id, c);
  expect(own.edges[2]!.node).toMatchObject({ rank: 3, isViewer: true, user: { id: c } });
  expect(own.viewerEntry).toEqual({ rank: 3, points: 10, isViewer: true });
  // Anonymous callers get the page without a viewer entry.
  expect((await board(id)).viewerEntry).toBeNull();
});

test("a challenge for one organizer's buyers: a buyer of another organizer can neither join nor count; a full refund leaves", async () => {
  const organizer = randomUUID();
  const other = randomUUID();
  const points = await create({
    name: 'Fieles a Sala Norte',
    ...JUNE,
    goalKind: 'POINTS',
    goal: 20,
    scopeOrganizerId: organizer,
  });
  const orders = await create({
    name: 'Tres compras en Sala Norte',
    ...JUNE,
    goalKind: 'COUNT',
    trigger: 'ORDER_PAID',
    goal: 3,
    scopeOrganizerId: organizer,
  });
  const [buyer, otherBuyer] = [randomUUID(), randomUUID()];
  const bought = orderPaid(buyer, 2000, '2026-06-02T10:00:00.000Z', { sellerId: organizer });
  await g.deliver('OrderPaid', bought);
  await g.deliver('OrderPaid', orderPaid(buyer, 2000, '2026-06-03T10:00:00.000Z', { sellerId: other }));
  await g.deliver('OrderPaid', orderPaid(otherBuyer, 2000, '2026-06-02T10:00:00.000Z', { sellerId: other }));

  const refused = await join(points, otherBuyer);
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const before = await g.db.challengeParticipant.count({ where: { userId: otherBuyer } });
  expect(before).toBe(0);
  const progress = await g.execute<{ challenge: { viewerProgress: { inScope: boolean; joined: boolean } } }>(
    `query ($id: ID!) { challenge(id: $id) { viewerProgress { inScope joined } } }`,
    { id: points },
    g.viewer('CUSTOMER', otherBuyer),
  );
  expect(progress.data!.challenge.viewerProgress).toEqual({ inScope: false, joined: false });

  expect((await join(points, buyer)).data!.joinChallenge).toEqual({ joined: true, inScope: true, progress: 10 });
  expect((await join(orders, buyer)).data!.joinChallenge).toEqual({ joined: true, inScope: true, progress: 1 });
  // Points count from anywhere; a COUNT of orders counts only the organizer's.
  expect((await board(points, buyer)).edges.map((e) => [e.node.user?.id, e.node.points])).toEqual([[buyer, 10]]);
  expect((await board(orders, buyer)).edges.map((e) => [e.node.user?.id, e.node.points])).toEqual([[buyer, 1]]);

  // Refunding the organizer's order wholly: no longer their buyer, off the leaderboard.
  await g.deliver('OrderRefunded', orderRefunded(bought, 2000, '2026-06-04T10:00:00.000Z'));
  const after = await board(points, buyer);
  expect([after.totalCount, after.edges, after.viewerEntry]).toEqual([0, [], null]);
});

test('bad input: an unknown or malformed challengeId, conflicting or unfit scopes', async () => {
  for (const id of [randomUUID(), 'nope']) {
    const res = await g.execute(BOARD, { id });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'challengeId' });
  }
  const base = { name: 'x', ...JUNE, goalKind: 'COUNT', trigger: 'ORDER_PAID', goal: 1 };
  for (const [input, field] of [
    [{ ...base, scopeOrganizerId: randomUUID(), scopeEventId: randomUUID() }, 'input.scopeOrganizerId'],
    [{ ...base, scopeOrganizerId: 'nope' }, 'input.scopeOrganizerId'],
    [{ ...base, trigger: 'SUPPORT_TICKET_RATED', scopeOrganizerId: randomUUID() }, 'input.trigger'],
  ] as const) {
    const res = await g.execute(CREATE, { input }, g.viewer('ADMIN'));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
});
