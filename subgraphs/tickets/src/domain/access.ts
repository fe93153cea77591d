import { forbidden } from '../../../../shared/errors';
import type { Event } from '../data/events';
import type { Ticket } from '../data/tickets';
import type { Context } from '../context';

/**
 * Who may see and do what in the tickets domain. Used by the shield rules, the reference
 * rules and the services alike, so every path to a row applies the same test.
 */

export function isAdmin(ctx: Context): boolean {
  return ctx.viewer?.roles.includes('ADMIN') ?? false;
}

/** The event's organizer or ADMIN: may edit it, its ticket types and its door staff. */
export function canManageEvent(ctx: Context, event: Event): boolean {
  return isAdmin(ctx) || event.organizerId === ctx.viewer?.userId;
}

/** Drafts are private to whoever manages them; other events are public. */
export function canSeeEvent(ctx: Context, event: Event): boolean {
  return event.status !== 'DRAFT' || canManageEvent(ctx, event);
}

/** A SCANNER assigned to the event (the role and the assignment both count). */
export async function isDoorStaff(ctx: Context, eventId: string): Promise<boolean> {
  const viewer = ctx.viewer;
  if (!viewer || !viewer.roles.includes('SCANNER')) return false;
  return ctx.loaders.isScannerOf.load({ eventId, userId: viewer.userId });
}

/** May check tickets in at the event: door staff, organizer, ADMIN. */
export async function canCheckIn(ctx: Context, event: Event): Promise<boolean> {
  return canManageEvent(ctx, event) || (await isDoorStaff(ctx, event.id));
}

/** The refusal of `checkIns` to anyone but door staff, organizer and ADMIN (a missing event gets it too). */
export const cannotWatchCheckIns = () =>
  forbidden('Only door staff assigned to this event, its organizer or an ADMIN may follow its check-ins');

/** A ticket is seen by its holder, its event's organizer, the event's door staff and ADMIN. */
export async function canSeeTicket(ctx: Context, ticket: Ticket): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (ticket.holderId === ctx.viewer.userId || isAdmin(ctx)) return true;
  const event = await ctx.loaders.eventById.load(ticket.eventId);
  return !!event && (await canCheckIn(ctx, event));
}
