import type { QueryResolvers } from '../__generated__/resolvers-types';
import { uuid } from '../domain/validation';

export const Query: QueryResolvers = {
  // `me` is behind isAuthenticated, so the viewer exists; a user deleted since is a null.
  me: async (_parent, _args, ctx) => (await ctx.loaders.userById.load(ctx.viewer!.userId))!,
  user: (_parent, args, ctx) => ctx.loaders.userById.load(uuid('id', args.id)),
  users: (_parent, args, ctx) => ctx.users.list(ctx, args),
};
