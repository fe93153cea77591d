import type { TicketTypeAvailabilityResolvers } from '../__generated__/resolvers-types';
import { ticketsLeft } from '../domain/availability';

/** The same counters as `TicketType.available` and `sold`. */
export const TicketTypeAvailability: TicketTypeAvailabilityResolvers = {
  ticketType: (t) => t,
  available: ticketsLeft,
  sold: (t) => t.sold,
};
