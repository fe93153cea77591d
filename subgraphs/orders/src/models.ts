import type { CartLine } from './data/carts';
import type { TicketTypeCopy } from './data/inventory';
import type { Order, Payment } from './data/orders';

/** Shapes the resolvers return besides the data layer's rows. */

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
