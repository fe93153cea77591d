import type { CartLine, Order, Payment, TicketTypeCopy } from '../../../prisma/generated/prisma/client';

/** An entity owned by another subgraph: orders knows (and returns) only its key. */
export interface EntityRef {
  id: string;
}

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
