import { createHash } from 'node:crypto';
import type { Viewer } from '../../../../shared/auth/tokens';
import { hasAnyRole, isSelf, isSelfOrAdmin } from '../../../../shared/auth/viewer';
import type { SupportTicket } from '../data/tickets';

/**
 * Who sees and changes what in the help desk: pure rules on the verified viewer (null for an
 * anonymous caller). A ticket is seen by agents, its requester, and whoever holds its visitor
 * token; services check that before a ticket enters a response, and answer a ticket the caller
 * may not see exactly as an absent one.
 */
type MaybeViewer = Viewer | null | undefined;

/** Matches no ticket: the requester of the lists of a caller who is nobody. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/** Agents and ADMIN work the help desk: every ticket, internal notes, the queue, SLA targets. */
export function isAgent(viewer: MaybeViewer): boolean {
  return hasAnyRole(viewer, 'AGENT', 'ADMIN');
}

/** Internal notes reach agents only (left out in the query itself, and per realtime event). */
export const seesInternalNotes = isAgent;

/** Only the hash of a visitor token is stored, so a database leak gives no access. */
export function hashVisitorToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The customer's side of a ticket: its requester, or whoever holds its visitor token. */
export function isRequester(viewer: MaybeViewer, ticket: SupportTicket, visitorToken?: string | null): boolean {
  if (isSelf(viewer, ticket.requesterId)) return true;
  return !!visitorToken && !!ticket.visitorTokenHash && hashVisitorToken(visitorToken) === ticket.visitorTokenHash;
}

export function canSeeTicket(viewer: MaybeViewer, ticket: SupportTicket, visitorToken?: string | null): boolean {
  return isAgent(viewer) || isRequester(viewer, ticket, visitorToken);
}

/** A reply speaks for the customer unless an agent writes on someone else's ticket. */
export function repliesAsCustomer(viewer: MaybeViewer, ticket: SupportTicket): boolean {
  return !isAgent(viewer) || isSelf(viewer, ticket.requesterId);
}

/**
 * Whether a reply is signed by the viewer's account: not when a signed-in caller came with a
 * ticket's visitor token and is neither its requester nor an agent (they write as the guest).
 */
export function repliesAsUser(viewer: MaybeViewer, ticket: SupportTicket, visitorToken?: string | null): boolean {
  return !!viewer && (!visitorToken || isSelf(viewer, ticket.requesterId) || isAgent(viewer));
}

/**
 * The requester a ticket list is narrowed to: the one of `scope` (a user's own tickets, which
 * the shield rules let only that user and agents read), none for agents, else the caller.
 */
export function listedRequester(viewer: MaybeViewer, scope: string | undefined): string | undefined {
  if (scope || isAgent(viewer)) return scope;
  return viewer?.userId ?? NOBODY;
}

/** An agent sets their own availability; ADMIN anyone's. */
export function maySetAvailabilityOf(viewer: MaybeViewer, agentId: string): boolean {
  return isSelfOrAdmin(viewer, agentId);
}
