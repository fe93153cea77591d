import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Users are owned by the users subgraph; here a user is its id (no lookup to batch).
  __resolveReference: (reference) => ({ id: reference.id }),
  salesSummary: (user, _args, ctx) => ctx.reports.sellerSales(user.id),
};
