import type { Viewer } from '../../../../shared/auth/tokens';
import { isAdmin, isSelf } from '../../../../shared/auth/viewer';

/** A user's feed and preferences: the user themself only (not even ADMIN reads someone's feed). */
export const ownsFeed = (viewer: Viewer | null, userId: string): boolean => isSelf(viewer, userId);

/** The outbox (every mail, its addresses and attempts) and its retries: ADMIN. */
export const managesOutbox = (viewer: Viewer | null): boolean => isAdmin(viewer);
