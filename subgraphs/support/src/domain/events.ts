import type { Tx } from '../../../../shared/db';
import { eventProducer } from '../../../../shared/events/outbox';
import type { Message, SupportTicket } from '../data/tickets';

/**
 * The events the support domain emits (docs/events.md), each recorded in the transaction of
 * the change it announces.
 */
const producer = eventProducer('support');

export function emitTicketCreated(tx: Tx, ticket: SupportTicket): Promise<string> {
  return producer.emit(tx, 'SupportTicketCreated', {
    ticketId: ticket.id,
    number: ticket.number,
    requesterId: ticket.requesterId,
    channel: ticket.channel === 'WIDGET' ? 'WIDGET' : 'WEB',
    priority: ticket.priority,
    categoryId: ticket.categoryId,
    createdAt: ticket.createdAt.toISOString(),
  });
}

/** On resolution, and again when the resolved ticket is rated (the event then carries the rating). */
export function emitTicketResolved(tx: Tx, ticket: SupportTicket): Promise<string> {
  return producer.emit(tx, 'SupportTicketResolved', {
    ticketId: ticket.id,
    number: ticket.number,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId,
    resolvedAt: ticket.resolvedAt!.toISOString(),
    firstResponseAt: ticket.firstResponseAt?.toISOString() ?? null,
    slaBreached: ticket.slaBreached,
    satisfaction: ticket.rating ? { rating: ticket.rating, comment: ticket.ratingComment } : null,
  });
}

/** The requester rated the ticket (gamification's rating points); a guest's rating emits nothing. */
export function emitTicketRated(tx: Tx, ticket: SupportTicket, requesterId: string): Promise<string> {
  return producer.emit(tx, 'SupportTicketRated', {
    ticketId: ticket.id,
    requesterId,
    rating: ticket.rating!,
    comment: ticket.ratingComment,
    ratedAt: ticket.ratedAt!.toISOString(),
  });
}

/** A widget ticket was opened: notifications mails the guest the link with its visitor token. */
export function emitWidgetTicketOpened(tx: Tx, ticket: SupportTicket, visitorToken: string): Promise<string> {
  return producer.emit(tx, 'SupportWidgetTicketOpened', {
    ticketId: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    guestName: ticket.guestName ?? '',
    guestEmail: ticket.guestEmail!,
    visitorToken,
    createdAt: ticket.createdAt.toISOString(),
  });
}

/** An agent answered the customer (never for internal notes): notifications mails the requester. */
export function emitReplyPosted(tx: Tx, ticket: SupportTicket, message: Message): Promise<string> {
  return producer.emit(tx, 'SupportReplyPosted', {
    ticketId: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    messageId: message.id,
    body: message.body,
    format: message.format,
    requesterId: ticket.requesterId,
    guestName: ticket.guestName,
    guestEmail: ticket.guestEmail,
    postedAt: message.createdAt.toISOString(),
    firstResponseAt: ticket.firstResponseAt?.toISOString(),
  });
}

/** The ticket's SLA was found breached (once: the flag is sticky): notifications alerts the assignee. */
export function emitSlaBreached(tx: Tx, ticket: SupportTicket, at: Date): Promise<string> {
  return producer.emit(tx, 'SupportSlaBreached', {
    ticketId: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    priority: ticket.priority,
    assigneeId: ticket.assigneeId,
    breachedAt: at.toISOString(),
  });
}
