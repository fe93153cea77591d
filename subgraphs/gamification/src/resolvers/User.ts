import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Users are owned by the users subgraph; here a user is its id (no lookup to batch).
  __resolveReference: (reference) => ({ id: reference.id }),
  points: (user, _args, ctx) => ctx.standing.points(ctx, user.id),
  pointsDebt: async (user, _args, ctx) => Math.max(0, -(await ctx.standing.points(ctx, user.id))),
  lifetimePoints: (user, _args, ctx) => ctx.standing.lifetime(ctx, user.id),
  level: (user, _args, ctx) => ctx.standing.level(ctx, user.id),
  nextLevel: (user, _args, ctx) => ctx.standing.level(ctx, user.id, true),
  badges: (user, _args, ctx) => ctx.standing.badges(ctx, user.id),
  pointsHistory: (user, args, ctx) => ctx.standing.history(user.id, args),
  rank: (user, { period }, ctx) => ctx.standing.rank(ctx, user.id, period),
  leaderboardHidden: (user, _args, ctx) => ctx.standing.hidden(ctx, user.id),
  receipts: (user, args, ctx) => ctx.receipts.ofUser(ctx.viewer, user.id, args),
};
