/**
 * The domain events tickets emits (docs/events.md): each is written to the outbox with the
 * transaction that makes the change it announces, so both commit or neither does.
 */
import type { Tx } from '../../../../shared/db';
import { eventProducer } from '../../../../shared/events/outbox';
import type { Event } from '../data/events';
import type { TicketType } from '../data/ticket-types';
import type { Ticket, VoidedSeat } from '../data/tickets';

const producer = eventProducer('tickets');

/**
 * A ticket type as it now is, with its event's status: orders keeps its copy (what it sells)
 * from these. Emitted for every change of a ticket type and of its event's status.
 */
export async function announceTicketType(tx: Tx, event: Event, type: TicketType): Promise<void> {
  await producer.emit(tx, 'TicketTypeChanged', {
    ticketTypeId: type.id,
    eventId: event.id,
    organizerId: event.organizerId,
    name: type.name,
    priceCents: type.priceCents,
    currency: type.currency,
    capacity: type.capacity,
    maxPerOrder: type.maxPerOrder,
    salesStartAt: type.salesStartAt?.toISOString() ?? null,
    salesEndAt: type.salesEndAt?.toISOString() ?? null,
    eventStatus: event.status,
  });
}

/** The event was published (customers may now refer to it); DRAFT → PUBLISHED happens once per event. */
export async function announcePublished(tx: Tx, event: Event, at: Date): Promise<void> {
  await producer.emit(tx, 'EventPublished', {
    eventId: event.id,
    organizerId: event.organizerId,
    publishedAt: at.toISOString(),
  });
}

/** The event was called off (orders refunds its paid orders); `event` is the cancelled row. */
export async function announceCancelled(tx: Tx, event: Event): Promise<void> {
  await producer.emit(tx, 'EventCancelled', {
    eventId: event.id,
    organizerId: event.organizerId,
    title: event.title,
    reason: event.cancelReason ?? '',
    cancelledAt: event.cancelledAt!.toISOString(),
  });
}

/** An issued ticket as `TicketsIssued` describes it: the row, its signed QR code, its type and event. */
export interface IssuedTicket {
  ticket: Ticket;
  qr: string;
  type: TicketType;
  event: Event;
}

/**
 * Tickets of an order were issued: `OrderTicketsChanged` (the order's live updates) and
 * `TicketsIssued` (who holds which ticket of which event, with what notifications mails: the
 * signed QR code, the ticket type's name, the event's title, start and venue). Call it only
 * when some were.
 */
export async function announceIssued(tx: Tx, orderId: string, issued: IssuedTicket[], at: Date): Promise<void> {
  await producer.emit(tx, 'OrderTicketsChanged', {
    orderId,
    issued: issued.length,
    voided: 0,
    changedAt: at.toISOString(),
  });
  await producer.emit(tx, 'TicketsIssued', {
    orderId,
    tickets: issued.map(({ ticket, qr, type, event }) => ({
      ticketId: ticket.id,
      eventId: ticket.eventId,
      holderId: ticket.holderId,
      ticketTypeId: type.id,
      ticketTypeName: type.name,
      eventTitle: event.title,
      startsAt: event.startsAt.toISOString(),
      venueName: event.venueName,
      qr,
    })),
    issuedAt: at.toISOString(),
  });
}

/** `voided` tickets of an order were voided (a refund). Call it only when some were. */
export async function announceVoided(tx: Tx, orderId: string, voided: number, at: Date): Promise<void> {
  await producer.emit(tx, 'OrderTicketsChanged', { orderId, issued: 0, voided, changedAt: at.toISOString() });
}

// TicketCheckedIn (a scan was accepted) is written by the accepting statement itself,
// `acceptCheckIn` in data/tickets.ts: the check-in is one SQL statement, not a transaction.

/** A ticket was voided (gamification takes back its check-in points); once per ticket. */
export async function announceTicketVoided(tx: Tx, seat: VoidedSeat, at: Date): Promise<void> {
  await producer.emit(tx, 'TicketVoided', {
    ticketId: seat.id,
    eventId: seat.eventId,
    orderId: seat.orderId,
    holderId: seat.holderId,
    wasCheckedIn: seat.wasCheckedIn,
    voidedAt: at.toISOString(),
  });
}
