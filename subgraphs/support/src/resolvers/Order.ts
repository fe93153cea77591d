import type { OrderResolvers } from '../__generated__/resolvers-types';

/** An order (owned by the orders subgraph): here only its id; its tickets are scoped to the viewer. */
export const Order: OrderResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  supportTickets: (order, args, ctx) =>
    ctx.ticketQueries.list(ctx, { ...args, orderBy: 'CREATED_AT_DESC' }, { orderId: order.id }),
};
