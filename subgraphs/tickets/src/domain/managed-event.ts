/** The guard every change to an event, its ticket types or its door staff passes first. */
import type { Tx } from '../../../../shared/db';
import { conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import * as events from '../data/events';
import type { TicketsRequest } from '../loaders';
import { canManageEvent, canSeeEvent } from './access';

/**
 * Locks the event until the transaction ends and checks the caller manages it: NOT_FOUND when
 * it does not exist or is a draft the caller cannot see, FORBIDDEN when they can see it but not
 * change it. The lock serializes the changes of one event, so each emitted TicketTypeChanged
 * carries the status that committed with it.
 */
export async function lockManagedEvent(ctx: Pick<TicketsRequest, 'viewer'>, tx: Tx, id: string): Promise<events.Event> {
  if (!ctx.viewer) throw unauthenticated();
  const event = await events.lockEvent(tx, id);
  if (!event || !canSeeEvent(ctx, event)) throw notFound('Event');
  if (!canManageEvent(ctx, event)) throw forbidden('Only the organizer of this event or an ADMIN may change it');
  return event;
}

/** Ticket types and door staff change only while the event is DRAFT or PUBLISHED. */
export function assertOpen(event: events.Event): void {
  if (event.status !== 'DRAFT' && event.status !== 'PUBLISHED') throw conflict(`The event is ${event.status}`);
}
