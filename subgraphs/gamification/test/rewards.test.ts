import { randomUUID } from 'node:crypto';
import { startGamification, type GamificationHarness } from './helpers';
import { CREATE_REWARD, admin, orderPaid, orderRefunded, rule, standing } from './fixtures';

let g: GamificationHarness;
beforeAll(async () => {
  g = await startGamification();
  await rule(g, { name: 'Compra', trigger: 'ORDER_PAID', fixedPoints: 10, pointsPerUnit: 1 });
});
afterAll(() => g.stop());

const REDEEM = `mutation ($id: ID!) { redeemReward(rewardId: $id) { id code cost reward { name } } }`;
const ADJUST = `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { id amount balanceAfter } }`;

const reward = (input: Record<string, unknown>) =>
  admin<{ createReward: { id: string } }>(g, CREATE_REWARD, { input }).then((d) => d.createReward.id);
const give = (userId: string, amount: number) => admin(g, ADJUST, { input: { userId, amount, reason: 'Regalo' } });
const redeem = (userId: string, id: string) => g.execute(REDEEM, { id }, g.viewer('CUSTOMER', userId));

test('50 concurrent redemptions by a user whose balance covers 5 give exactly 5', async () => {
  const user = randomUUID();
  const id = await reward({ name: 'Bebida gratis', cost: 100 });
  await give(user, 500);
  const results = await Promise.all(Array.from({ length: 50 }, () => redeem(user, id)));
  const ok = results.filter((r) => !r.errors);
  expect(ok).toHaveLength(5);
  expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code)).toEqual(
    Array(45).fill('CONFLICT'),
  );
  expect(new Set(ok.map((r) => (r.data as { redeemReward: { code: string } }).redeemReward.code)).size).toBe(5);
  expect(await standing(g, user)).toMatchObject({ points: 0, pointsDebt: 0, lifetimePoints: 500 });
}, 120_000);

test('200 users racing for a reward with stock 20 give exactly 20', async () => {
  const id = await reward({ name: 'Camiseta', cost: 50, stock: 20 });
  const users = Array.from({ length: 200 }, () => randomUUID());
  for (const user of users) await give(user, 50);
  const results = await Promise.all(users.map((user) => redeem(user, id)));
  expect(results.filter((r) => !r.errors)).toHaveLength(20);
  expect(await g.db.redemption.count({ where: { rewardId: id } })).toBe(20);
  expect((await g.db.reward.findUniqueOrThrow({ where: { id } })).remaining).toBe(0);
  const rewards = await g.execute<{ rewards: { name: string; remaining: number | null }[] }>(
    `{ rewards { name remaining } }`,
  );
  expect(rewards.data!.rewards).toContainEqual({ name: 'Camiseta', remaining: 0 });
}, 120_000);

test('a per-user limit holds', async () => {
  const user = randomUUID();
  const id = await reward({ name: 'Pase VIP', cost: 10, perUserLimit: 2 });
  await give(user, 100);
  const results = await Promise.all(Array.from({ length: 6 }, () => redeem(user, id)));
  expect(results.filter((r) => !r.errors)).toHaveLength(2);
  expect((await standing(g, user)).points).toBe(80);
});

test('a refund of spent points leaves a visible debt, and nothing can be redeemed until it is paid', async () => {
  const user = randomUUID();
  const order = orderPaid(user, 10_000, '2026-03-08T10:00:00.000Z'); // 110 points
  await g.deliver('OrderPaid', order);
  const id = await reward({ name: 'Entrada gratis', cost: 100 });
  expect((await redeem(user, id)).errors).toBeUndefined();
  await g.deliver('OrderRefunded', orderRefunded(order, 10_000, '2026-03-09T10:00:00.000Z'));
  expect(await standing(g, user)).toMatchObject({ points: -100, pointsDebt: 100, lifetimePoints: 0 });
  const refused = await redeem(user, await reward({ name: 'Chapa', cost: 1 }));
  expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  // The redemption stands; its history shows the debt.
  const history = await g.execute<{
    _entities: { pointsHistory: { edges: { node: { kind: string; amount: number; balanceAfter: number } }[] } }[];
  }>(
    `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { pointsHistory { edges { node { kind amount balanceAfter } } } } } }`,
    { reps: [{ __typename: 'User', id: user }] },
    g.viewer('CUSTOMER', user),
  );
  expect(history.data!._entities[0]!.pointsHistory.edges.map((e) => e.node)).toEqual([
    { kind: 'REVERSAL', amount: -110, balanceAfter: -100 },
    { kind: 'REDEMPTION', amount: -100, balanceAfter: 10 },
    { kind: 'AWARD', amount: 110, balanceAfter: 110 },
  ]);
});
