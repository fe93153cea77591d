import type { TicketTypeResolvers } from '../__generated__/resolvers-types';

/** Read from orders' own counters at request time, so they are current the moment a hold or sale commits. */
export const TicketType: TicketTypeResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.ticketTypeById.load(reference.id),
  available: (t) => Math.max(0, t.capacity - t.held - t.sold),
  sold: (t) => t.sold,
};
