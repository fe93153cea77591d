import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  levels: (_parent, _args, ctx) => ctx.catalog.levels(),
  badges: (_parent, _args, ctx) => ctx.catalog.badges(ctx),
  rewards: (_parent, _args, ctx) => ctx.rewards.list(ctx),
  myRedemptions: (_parent, args, ctx) => ctx.rewards.mine(ctx, args),
  leaderboard: (_parent, args, ctx) => ctx.leaderboards.page(ctx, args),
  earningRules: (_parent, _args, ctx) => ctx.catalog.rules(),
  challenges: (_parent, { filter }, ctx) => ctx.challenges.list(filter?.status),
  challenge: (_parent, { id }, ctx) => ctx.loaders.challengeById.load(id),
};
