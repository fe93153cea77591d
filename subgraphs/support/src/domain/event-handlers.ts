import type { EventHandlers } from '../../../../shared/events/bus';
import { recordEvent, recordOrder, recordTickets } from '../data/known-entities';
import { upsertIfNewer } from '../data/user-directory';

/**
 * What support does with other domains' events. Each handler runs in the consumer's
 * transaction, which also records the event as processed.
 *
 * `UserChanged` keeps the user directory: the row takes the event's state only if the event's
 * `changedAt` is newer than the row's, since events can be redelivered, and a late event (a
 * consumer instance that died holding it, claimed later) must not undo a newer one.
 */
export function userDirectoryHandlers(): EventHandlers {
  return {
    UserChanged: async (tx, { payload: p }) => {
      await upsertIfNewer(tx, {
        userId: p.userId,
        email: p.email,
        roles: p.roles,
        status: p.status,
        emailVerified: p.emailVerified ?? false,
        updatedAt: new Date(p.changedAt),
      });
    },
  };
}

/**
 * `OrderPlaced`, `TicketsIssued`, `EventPublished` keep support's copies of what customers may
 * link to a support ticket (their orders, their admission tickets, published events). The
 * facts never change, so each write inserts what is missing and leaves what exists: a
 * redelivered or late event changes nothing, in whatever order events arrive.
 */
export function knownEntityHandlers(): EventHandlers {
  return {
    OrderPlaced: async (tx, { payload: p }) => {
      await recordOrder(tx, { orderId: p.orderId, buyerId: p.buyerId });
    },
    TicketsIssued: async (tx, { payload: p }) => {
      await recordTickets(
        tx,
        p.tickets.map((t) => ({ ticketId: t.ticketId, holderId: t.holderId, eventId: t.eventId })),
      );
    },
    EventPublished: async (tx, { payload: p }) => {
      await recordEvent(tx, p.eventId);
    },
  };
}
