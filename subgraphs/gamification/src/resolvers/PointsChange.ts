import { notFound } from '../../../../shared/errors';
import type { PointsChangeResolvers } from '../__generated__/resolvers-types';

export const PointsChange: PointsChangeResolvers = {
  points: (notice) => notice.balance,
  lifetimePoints: (notice) => notice.lifetime,
  level: async (notice, _args, ctx) => (notice.levelId ? await ctx.loaders.levelById.load(notice.levelId) : null),
  entry: async (notice, _args, ctx) =>
    (await ctx.standing.entry(ctx, notice.entryId)) ?? Promise.reject(notFound('Points entry')),
};
