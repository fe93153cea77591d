import type { RedemptionResolvers } from '../__generated__/resolvers-types';

export const Redemption: RedemptionResolvers = {
  reward: async (redemption, _args, ctx) => (await ctx.loaders.rewardById.load(redemption.rewardId))!,
};
