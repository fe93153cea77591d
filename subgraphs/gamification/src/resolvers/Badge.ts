import type { BadgeResolvers } from '../__generated__/resolvers-types';
import { requirementsOf } from '../domain/badges';

export const Badge: BadgeResolvers = {
  requirements: (badge) => requirementsOf(badge),
};
