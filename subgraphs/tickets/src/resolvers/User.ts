import { entityRef } from '../../../../shared/entities';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Users are owned by the users subgraph; here a user is its id (no lookup to batch).
  __resolveReference: (reference) => entityRef(reference.id),
  tickets: (user, args, ctx) => ctx.tickets.listOfHolder(ctx, user.id, args),
};
