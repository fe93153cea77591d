/**
 * Data access for support's copies of other domains' entities that customers may link to a
 * support ticket: `support.known_orders` (from orders' `OrderPlaced`), `support.known_tickets`
 * (from tickets' `TicketsIssued`) and `support.known_events` (from tickets' `EventPublished`),
 * kept by the consumer `support.known-entities` (see ../workers.ts). Support never reads the
 * orders or tickets schemas. The facts copied never change (an order's buyer, a ticket's
 * holder and event, that an event was published), so a write is an insert that a repeated
 * event leaves as it is.
 */
import type { Db, Tx } from '../../../../shared/db';

/** Who owns what in other domains: a customer may link only their own order or admission ticket. */
export interface OwnershipChecker {
  ownsOrder(userId: string, orderId: string): Promise<boolean>;
  holdsTicket(userId: string, ticketId: string): Promise<boolean>;
  /** Whether the event was published (it may since have been cancelled or completed); drafts are not. */
  eventExists(eventId: string): Promise<boolean>;
}

/** Records an order's buyer. Returns whether it wrote (false: already known). */
export async function recordOrder(db: Db | Tx, order: { orderId: string; buyerId: string }): Promise<boolean> {
  const { count } = await db.knownOrder.createMany({ data: [order], skipDuplicates: true });
  return count === 1;
}

/** Records tickets' holders and events. Returns how many were new. */
export async function recordTickets(
  db: Db | Tx,
  tickets: { ticketId: string; holderId: string; eventId: string }[],
): Promise<number> {
  if (tickets.length === 0) return 0;
  const { count } = await db.knownTicket.createMany({ data: tickets, skipDuplicates: true });
  return count;
}

/** Records that an event was published. Returns whether it wrote (false: already known). */
export async function recordEvent(db: Db | Tx, eventId: string): Promise<boolean> {
  const { count } = await db.knownEvent.createMany({ data: [{ eventId }], skipDuplicates: true });
  return count === 1;
}

/**
 * The checker on support's copies. What support has not heard of (yet, or ever) answers "no":
 * links are refused rather than trusted.
 */
export function postgresOwnershipChecker(db: Db): OwnershipChecker {
  return {
    async ownsOrder(userId, orderId) {
      return (await db.knownOrder.count({ where: { orderId, buyerId: userId } })) > 0;
    },
    async holdsTicket(userId, ticketId) {
      return (await db.knownTicket.count({ where: { ticketId, holderId: userId } })) > 0;
    },
    async eventExists(eventId) {
      return (await db.knownEvent.count({ where: { eventId } })) > 0;
    },
  };
}
