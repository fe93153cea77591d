import type { BadgeAwardResolvers } from '../__generated__/resolvers-types';

export const BadgeAward: BadgeAwardResolvers = {
  badge: async (award, _args, ctx) => (await ctx.loaders.badgeById.load(award.badgeId))!,
  name: async (award, _args, ctx) => (await ctx.loaders.badgeById.load(award.badgeId))!.name,
};
