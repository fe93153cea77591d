import { entityRef } from '../../../../shared/entities';
import type { OrderResolvers } from '../__generated__/resolvers-types';

export const Order: OrderResolvers = {
  // Orders are owned by the orders subgraph; here an order is its id (no lookup to batch).
  __resolveReference: (reference) => entityRef(reference.id),
  tickets: (order, _args, ctx) => ctx.tickets.ofOrder(ctx, order.id),
};
