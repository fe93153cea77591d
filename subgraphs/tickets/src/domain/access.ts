/**
 * Who may see and do what in the tickets domain. Used by the shield rules, the reference
 * rules, the subscription filter and the services alike, so every path to a row applies the
 * same test.
 */
import { hasAnyRole, isSelfOrAdmin } from '../../../../shared/auth/viewer';
import { forbidden } from '../../../../shared/errors';
import type { Event } from '../data/events';
import type { Ticket } from '../data/tickets';
import type { TicketsRequest } from '../loaders';

type Caller = Pick<TicketsRequest, 'viewer'>;
type LoadingCaller = Pick<TicketsRequest, 'viewer' | 'loaders'>;

/** The event's organizer or ADMIN: may edit it, its ticket types and its door staff. */
export function canManageEvent(ctx: Caller, event: Event): boolean {
  return isSelfOrAdmin(ctx.viewer, event.organizerId);
}

/** Drafts are private to whoever manages them; other events are public. */
export function canSeeEvent(ctx: Caller, event: Event): boolean {
  return event.status !== 'DRAFT' || canManageEvent(ctx, event);
}

/** A SCANNER assigned to the event (the role and the assignment both count). */
async function isDoorStaff(ctx: LoadingCaller, eventId: string): Promise<boolean> {
  const viewer = ctx.viewer;
  if (!viewer || !hasAnyRole(viewer, 'SCANNER')) return false;
  return ctx.loaders.isScannerOf.load({ eventId, userId: viewer.userId });
}

/** May check tickets in at the event, and follow its check-ins: door staff, organizer, ADMIN. */
export async function canCheckIn(ctx: LoadingCaller, event: Event): Promise<boolean> {
  return canManageEvent(ctx, event) || (await isDoorStaff(ctx, event.id));
}

/** May follow the check-ins of the event with this id (a missing event: nobody). */
export async function canWatchCheckIns(ctx: LoadingCaller, eventId: string): Promise<boolean> {
  const event = await ctx.loaders.eventById.load(eventId);
  return !!event && (await canCheckIn(ctx, event));
}

/** The refusal of `checkIns` to anyone but door staff, organizer and ADMIN (a missing event gets it too). */
export const cannotWatchCheckIns = () =>
  forbidden('Only door staff assigned to this event, its organizer or an ADMIN may follow its check-ins');

/** A ticket is seen by its holder, its event's organizer, the event's door staff and ADMIN. */
export async function canSeeTicket(ctx: LoadingCaller, ticket: Ticket): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (isSelfOrAdmin(ctx.viewer, ticket.holderId)) return true;
  const event = await ctx.loaders.eventById.load(ticket.eventId);
  return !!event && (await canCheckIn(ctx, event));
}

/**
 * Which of an order's tickets the caller sees there: all for ADMIN, the holder's own (the
 * holder is the buyer), an organizer's for their events; none for anyone else.
 */
export async function canSeeTicketOfOrder(ctx: LoadingCaller, ticket: Ticket): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (isSelfOrAdmin(ctx.viewer, ticket.holderId)) return true;
  const event = await ctx.loaders.eventById.load(ticket.eventId);
  return !!event && canManageEvent(ctx, event);
}

/** A user's ticket list (`User.tickets`): the user themself or ADMIN. */
export function canListTicketsOf(ctx: Caller, userId: string): boolean {
  return isSelfOrAdmin(ctx.viewer, userId);
}
