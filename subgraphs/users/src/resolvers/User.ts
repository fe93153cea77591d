import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.userById.load(reference.id),
  // Profile fields are columns of the user row.
  profile: (user) => user,
  emailVerified: (user) => user.emailVerifiedAt !== null,
};
