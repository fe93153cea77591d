import type { TicketTypeResolvers } from '../__generated__/resolvers-types';
import { ticketsLeft } from '../domain/availability';
import type { TicketTypeCounters } from '../models';

/**
 * A ticket type tickets has published but orders has not copied yet (its event is on the way,
 * or the consumer is behind): nothing of it can be bought yet. Answering zeros instead of null
 * keeps the non-null `available`/`sold` from nulling the whole event in a federated query.
 */
const notYetOnSale = (id: string): TicketTypeCounters => ({ id, capacity: 0, held: 0, sold: 0 });

/** Read from orders' own counters at request time, so they are current the moment a hold or sale commits. */
export const TicketType: TicketTypeResolvers = {
  __resolveReference: async (reference, ctx) =>
    (await ctx.loaders.ticketTypeById.load(reference.id)) ?? notYetOnSale(reference.id),
  available: ticketsLeft,
  sold: (t) => t.sold,
};
