import type { CartLine, Order, Payment, TicketTypeCopy } from '../../../prisma/generated/prisma/client';

/** An entity owned by another subgraph: orders knows (and returns) only its key. */
export interface EntityRef {
  id: string;
}

/**
 * What orders says about a ticket type: its counters. A row of the local copy is one; so is
 * `notYetOnSale` for a ticket type whose `TicketTypeChanged` has not arrived yet.
 */
export type TicketTypeCounters = Pick<TicketTypeCopy, 'id' | 'capacity' | 'held' | 'sold'>;

/** `User.cart`: the owner and their lines, oldest first. */
export interface CartModel {
  userId: string;
  lines: CartLine[];
}

/** `eventAvailabilityChanged`: an event and its (non-draft) ticket types with their counters. */
export interface EventAvailabilityModel {
  eventId: string;
  ticketTypes: TicketTypeCopy[];
}

/** `checkout`'s answer. */
export interface CheckoutResult {
  order: Order;
  payment: Payment | null;
}
