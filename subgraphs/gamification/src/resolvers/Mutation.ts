import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  redeemReward: (_parent, { rewardId }, ctx) => ctx.rewards.redeem(ctx, rewardId),
  setLeaderboardVisibility: (_parent, { hidden }, ctx) => ctx.standing.setHidden(ctx, hidden),
  joinChallenge: async (_parent, { id }, ctx) =>
    ctx.challenges.join(ctx, await ctx.loaders.challengeById.load(id), 'id'),
  createChallenge: (_parent, { input }, ctx) => ctx.challenges.create(input),
  adjustPoints: (_parent, { input }, ctx) => ctx.admin.adjustPoints(input),
  createEarningRule: (_parent, { input }, ctx) => ctx.admin.rules.create(input),
  updateEarningRule: (_parent, { id, input }, ctx) => ctx.admin.rules.update(id, input),
  createLevel: (_parent, { input }, ctx) => ctx.admin.levels.create(input),
  updateLevel: (_parent, { id, input }, ctx) => ctx.admin.levels.update(id, input),
  deleteLevel: (_parent, { id }, ctx) => ctx.admin.levels.delete(id),
  createBadge: (_parent, { input }, ctx) => ctx.admin.badges.create(input),
  updateBadge: (_parent, { id, input }, ctx) => ctx.admin.badges.update(id, input),
  createReward: (_parent, { input }, ctx) => ctx.admin.rewards.create(input),
  updateReward: (_parent, { id, input }, ctx) => ctx.admin.rewards.update(id, input),
};
