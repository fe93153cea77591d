import { randomUUID } from 'node:crypto';
import { startGamification, type GamificationHarness } from './helpers';
import { ADMIN_ID, admin, checkedIn, rule } from './fixtures';

let g: GamificationHarness;
const alice = randomUUID();
beforeAll(async () => {
  g = await startGamification();
  await rule(g, { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 50 });
  await g.deliver('TicketCheckedIn', checkedIn(alice, '2026-03-02T20:00:00.000Z'));
});
afterAll(() => g.stop());

const HISTORY = `query ($reps: [_Any!]!, $after: String) { _entities(representations: $reps) { ... on User {
  pointsHistory(first: 10, after: $after) { totalCount edges { node { amount reason rule { name } source { __typename ... on Ticket { id } } } } } } } }`;
const reps = (id: string) => [{ __typename: 'User', id }];

describe('who may do what', () => {
  test('the user and ADMIN read a history; ADMIN also sees the rule', async () => {
    const own = await g.execute(HISTORY, { reps: reps(alice) }, g.viewer('CUSTOMER', alice));
    expect(own.errors).toBeUndefined();
    expect(JSON.stringify(own.data)).toContain('"rule":null');
    const asAdmin = await admin(g, HISTORY, { reps: reps(alice) });
    expect(JSON.stringify(asAdmin)).toContain('"rule":{"name":"Asistencia"}');
  });

  test("a customer reading another's history or balance is FORBIDDEN, and learns nothing", async () => {
    for (const field of ['pointsHistory { totalCount }', 'points', 'pointsDebt', 'leaderboardHidden']) {
      const res = await g.execute(
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { ${field} } } }`,
        { reps: reps(alice) },
        g.viewer('CUSTOMER'),
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toContain('50');
    }
    const anonymous = await g.execute(HISTORY, { reps: reps(alice) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a customer calling ADMIN mutations is FORBIDDEN; nothing changes', async () => {
    const before = await g.db.ledgerEntry.count();
    const rules = await g.db.earningRule.count();
    const customer = g.viewer('CUSTOMER', alice);
    for (const [query, variables] of [
      [
        `mutation ($i: AdjustPointsInput!) { adjustPoints(input: $i) { id } }`,
        { i: { userId: alice, amount: 1000, reason: 'yo' } },
      ],
      [
        `mutation ($i: EarningRuleInput!) { createEarningRule(input: $i) { id } }`,
        { i: { name: 'x', trigger: 'ORDER_PAID', fixedPoints: 1 } },
      ],
      [`mutation ($i: RewardInput!) { createReward(input: $i) { id } }`, { i: { name: 'x', cost: 1 } }],
      [`{ earningRules { id } }`, {}],
    ] as const) {
      const res = await g.execute(query, variables, customer);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await g.db.ledgerEntry.count()).toBe(before);
    expect(await g.db.earningRule.count()).toBe(rules);
  });
});

describe('bad input is BAD_USER_INPUT naming the field, and changes nothing', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    [
      'negative cost',
      `mutation ($i: RewardInput!) { createReward(input: $i) { id } }`,
      { i: { name: 'x', cost: -5 } },
      'input.cost',
    ],
    [
      'empty level name',
      `mutation ($i: LevelInput!) { createLevel(input: $i) { id } }`,
      { i: { name: '  ', threshold: 10 } },
      'input.name',
    ],
    [
      'unknown reward',
      `mutation ($id: ID!, $i: RewardInput!) { updateReward(id: $id, input: $i) { id } }`,
      { id: randomUUID(), i: { name: 'x', cost: 5 } },
      'id',
    ],
    [
      'a window that ends before it starts',
      `mutation ($i: EarningRuleInput!) { createEarningRule(input: $i) { id } }`,
      {
        i: {
          name: 'x',
          trigger: 'ORDER_PAID',
          activeFrom: '2026-03-02T00:00:00.000Z',
          activeUntil: '2026-03-01T00:00:00.000Z',
        },
      },
      'input.activeUntil',
    ],
    [
      'a zero adjustment',
      `mutation ($i: AdjustPointsInput!) { adjustPoints(input: $i) { id } }`,
      { i: { userId: randomUUID(), amount: 0, reason: 'x' } },
      'input.amount',
    ],
    [
      'a combo badge with one requirement',
      `mutation ($i: BadgeInput!) { createBadge(input: $i) { id } }`,
      { i: { name: 'x', kind: 'COMBO', requirements: [{ trigger: 'ORDER_PAID', count: 1 }] } },
      'input.requirements',
    ],
  ];
  test.each(cases)('%s', async (_name, query, variables, field) => {
    const counts = async () => [
      await g.db.reward.count(),
      await g.db.level.count(),
      await g.db.earningRule.count(),
      await g.db.ledgerEntry.count(),
    ];
    const before = await counts();
    const res = await g.execute(query, variables, g.viewer('ADMIN', ADMIN_ID));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await counts()).toEqual(before);
  });

  test('redeeming an unknown reward', async () => {
    const res = await g.execute(
      `mutation ($id: ID!) { redeemReward(rewardId: $id) { id } }`,
      { id: randomUUID() },
      g.viewer(),
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rewardId' });
  });

  test('a junk history cursor', async () => {
    for (const after of ['x', Buffer.from(JSON.stringify({ c: 'nope', i: '1' })).toString('base64url')]) {
      const res = await g.execute(HISTORY, { reps: reps(alice), after }, g.viewer('CUSTOMER', alice));
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});

test('an entry points at its source entity for the gateway to resolve', async () => {
  const res = await g.execute<{ _entities: { pointsHistory: { edges: { node: { source: unknown } }[] } }[] }>(
    HISTORY,
    { reps: reps(alice) },
    g.viewer('CUSTOMER', alice),
  );
  expect(res.data!._entities[0]!.pointsHistory.edges[0]!.node.source).toMatchObject({ __typename: 'Ticket' });
});
