import type { TicketTypeCopy } from '../../../../prisma/generated/prisma/client';
import type { TicketTypeResolvers } from '../__generated__/resolvers-types';

/** Tickets still for sale: capacity minus held minus sold. */
export const remaining = (t: TicketTypeCopy) => Math.max(0, t.capacity - t.held - t.sold);

/** Read from orders' own counters at request time, so they are current the moment a hold or sale commits. */
export const TicketType: TicketTypeResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.ticketTypeById.load(reference.id),
  available: remaining,
  sold: (t) => t.sold,
};
