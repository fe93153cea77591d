import { entityRef } from '../../../../shared/entities';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Users are owned by the users subgraph: the reference is all orders needs.
  __resolveReference: (reference) => entityRef(reference.id),
  cart: (user, _args, ctx) => ctx.carts.cart(user.id),
  orders: (user, args, ctx) => ctx.orders.list(ctx, { buyerId: user.id }, args),
};
