/**
 * What tickets does with other domains' events: it issues tickets when an order is paid and
 * voids them when it is refunded. Each handler runs in the consumer's transaction, which also
 * records the event as processed (`applyOnce`), so a redelivered event changes nothing.
 */
import type { Tx } from '../../../../shared/db';
import type { EventHandlers } from '../../../../shared/events/bus';
import type { EventCatalog } from '../../../../shared/events/catalog';
import type { Logger } from '../../../../shared/logger';
import { findEventsByIds } from '../data/events';
import * as ticketTypes from '../data/ticket-types';
import * as tickets from '../data/tickets';
import { announceIssued, announceTicketVoided, announceVoided, type IssuedTicket } from './events';
import type { QrCodec } from './qr';

interface HandlerDeps {
  logger: Logger;
  /** Signs the QR codes `TicketsIssued` carries (the ticket mail shows them). */
  qr: QrCodec;
  now?: () => Date;
}

/** The handlers of the consumer of orders' events. */
export function orderTicketsHandlers(deps: HandlerDeps): EventHandlers {
  return {
    OrderPaid: async (tx, event) => {
      await issueForOrder(tx, event.payload, deps);
    },
    OrderRefunded: async (tx, event) => {
      await voidForRefund(tx, event.payload, deps);
    },
  };
}

/**
 * `OrderPaid`: one ticket per unit of every ticket line, held by the buyer. The unique
 * (orderLineId, seatIndex) also makes a replay without `applyOnce`'s record issue nothing. The
 * event comes from the ticket type, not from the payload. Returns how many were issued.
 */
export async function issueForOrder(tx: Tx, paid: EventCatalog['OrderPaid'], deps: HandlerDeps): Promise<number> {
  const created: Omit<IssuedTicket, 'event'>[] = [];
  const issuedAt = deps.now?.() ?? new Date();
  for (const line of paid.lines) {
    if (!line.ticketTypeId) continue;
    const type = await ticketTypes.findTicketTypeById(tx, line.ticketTypeId);
    if (!type) {
      // Orders sells only ticket types it learnt from us, so this is a bug elsewhere; retrying
      // would not help, and blocking the consumer would stop every later order.
      deps.logger.error('OrderPaid names an unknown ticket type; line skipped', {
        orderId: paid.orderId,
        orderLineId: line.orderLineId,
        ticketTypeId: line.ticketTypeId,
      });
      continue;
    }
    const seats = await tickets.issueSeats(tx, {
      eventId: type.eventId,
      ticketTypeId: type.id,
      holderId: paid.buyerId,
      orderId: paid.orderId,
      orderLineId: line.orderLineId,
      quantity: line.quantity,
      issuedAt,
    });
    created.push(...seats.map((ticket) => ({ ticket, type, qr: deps.qr.encode(ticket.id, ticket.eventId) })));
  }
  if (created.length === 0) return 0;
  const events = new Map(
    (await findEventsByIds(tx, [...new Set(created.map((c) => c.ticket.eventId))])).map((e) => [e.id, e]),
  );
  await announceIssued(
    tx,
    paid.orderId,
    created.map((c) => ({ ...c, event: events.get(c.ticket.eventId)! })),
    issuedAt,
  );
  return created.length;
}

/** `OrderRefunded`: voids `quantity` live tickets (VALID first) of every refunded ticket line. Returns how many. */
async function voidForRefund(
  tx: Tx,
  refund: EventCatalog['OrderRefunded'],
  deps: Pick<HandlerDeps, 'now'>,
): Promise<number> {
  let voided = 0;
  const at = deps.now?.() ?? new Date();
  for (const line of refund.lines) {
    if (!line.ticketTypeId || line.quantity <= 0) continue;
    for (const seat of await tickets.voidSeats(tx, line.orderLineId, line.quantity, at)) {
      voided++;
      await announceTicketVoided(tx, seat, at);
    }
  }
  if (voided > 0) await announceVoided(tx, refund.orderId, voided, at);
  return voided;
}
