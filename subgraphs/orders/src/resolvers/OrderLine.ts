import { entityRef } from '../../../../shared/entities';
import type { OrderLineResolvers } from '../__generated__/resolvers-types';

export const OrderLine: OrderLineResolvers = {
  product: (l, _args, ctx) => (l.productId ? ctx.loaders.productById.load(l.productId) : null),
  // orders' counters; the gateway asks tickets for the rest of the TicketType.
  ticketType: async (l, _args, ctx) => (l.ticketTypeId ? ctx.loaders.ticketTypeById.load(l.ticketTypeId) : null),
  seller: (l) => entityRef(l.sellerId),
  totalCents: (l) => l.quantity * l.unitPriceCents,
};
