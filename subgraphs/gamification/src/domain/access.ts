import { isAdmin, isSelfOrAdmin } from '../../../../shared/auth/viewer';
import type { Viewer } from '../../../../shared/auth/tokens';

/**
 * Who may see what of a user's gamification. Balances, debts and histories are private (the
 * user and ADMIN). Standing (lifetime points, level, badges, rank) is public unless the user
 * hides from leaderboards; then only they and ADMIN see it. On a leaderboard a hidden user is
 * anonymous to everyone but themself.
 */
export const canSeePrivate = (viewer: Viewer | null, userId: string): boolean => isSelfOrAdmin(viewer, userId);

export const canSeeStanding = (viewer: Viewer | null, userId: string, hidden: boolean): boolean =>
  !hidden || isSelfOrAdmin(viewer, userId);

export const showsOnLeaderboard = (viewer: Viewer | null, userId: string, hidden: boolean): boolean =>
  !hidden || viewer?.userId === userId;

/** Earning rules (and which rule made an entry) are ADMIN's. */
export const canSeeRules = (viewer: Viewer | null): boolean => isAdmin(viewer);

/** ADMIN sees inactive rewards and disabled badges too. */
export const seesEverything = (viewer: Viewer | null): boolean => isAdmin(viewer);
