import type { UserResolvers } from '../__generated__/resolvers-types';

/** A user (owned by the users subgraph): here their feed and mail preferences (the user themself: permissions.ts). */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  notifications: (user, args, ctx) => ctx.feed.list(user.id, args),
  notificationPreferences: async (user, _args, ctx) => {
    const [prefs] = await ctx.loaders.preferencesByUser.load(user.id);
    return { marketingEmail: prefs?.marketingEmail ?? true };
  },
};
