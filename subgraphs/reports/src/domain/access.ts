import { hasAnyRole, isAdmin, isSelfOrAdmin } from '../../../../shared/auth/viewer';
import type { Viewer } from '../../../../shared/auth/tokens';

/**
 * Who may see which reports (the marketplace's rule): ADMIN everything; an ORGANIZER only
 * their own sales, events and products; anyone else nothing.
 */
export const seesEverything = (viewer: Viewer | null): boolean => isAdmin(viewer);

export const readsReports = (viewer: Viewer | null): boolean => hasAnyRole(viewer, 'ADMIN', 'ORGANIZER');

/** A seller's figures: the seller (as an ORGANIZER) and ADMIN. */
export const canSeeSeller = (viewer: Viewer | null, sellerId: string): boolean =>
  isAdmin(viewer) || (hasAnyRole(viewer, 'ORGANIZER') && viewer?.userId === sellerId);

/** An event's figures: its organizer and ADMIN (`organizerId` undefined: an event reports never saw). */
export const canSeeEvent = (viewer: Viewer | null, organizerId: string | undefined): boolean =>
  isAdmin(viewer) || (organizerId !== undefined && canSeeSeller(viewer, organizerId));

/** `User.salesSummary`: the user themself and ADMIN. */
export const canSeeUserSales = (viewer: Viewer | null, userId: string): boolean => isSelfOrAdmin(viewer, userId);

/** The help desk's figures (`supportReport`): ADMIN and support AGENTs, who run it. */
export const readsSupportReports = (viewer: Viewer | null): boolean => hasAnyRole(viewer, 'ADMIN', 'AGENT');

/** Gamification's figures (`engagementReport`), platform-wide: ADMIN only. */
export const readsEngagementReports = (viewer: Viewer | null): boolean => isAdmin(viewer);
