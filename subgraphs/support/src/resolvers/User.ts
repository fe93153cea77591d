import type { UserResolvers } from '../__generated__/resolvers-types';

/** A user (owned by the users subgraph): here only its id; its tickets are scoped to the viewer. */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  supportTickets: (user, args, ctx) =>
    ctx.ticketQueries.list(ctx, { ...args, orderBy: 'CREATED_AT_DESC' }, { requesterId: user.id }),
};
