import type { BadgeAwardResolvers, BadgeResolvers } from '../__generated__/resolvers-types';
import { requirementsOf } from '../domain/badges';

export const Badge: BadgeResolvers = {
  requirements: (badge) => requirementsOf(badge),
};

export const BadgeAward: BadgeAwardResolvers = {
  badge: async (award, _args, ctx) => (await ctx.loaders.badgeById.load(award.badgeId))!,
  name: async (award, _args, ctx) => (await ctx.loaders.badgeById.load(award.badgeId))!.name,
};
