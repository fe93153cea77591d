import { isAdmin, isSelf } from '../../../../shared/auth/viewer';
import type { Viewer } from '../../../../shared/auth/tokens';

/**
 * Who may see what of a user. Identity (id, name, createdAt) is public: other domains show
 * organizers and authors. Contact details, roles, status and profile are private to the user
 * and ADMIN, whichever way the user is reached (a query, a reference from another subgraph,
 * `_entities` called directly).
 *
 * `signedInUserId` is the user a `register`/`login` in this same request just signed in: their
 * payload shows their own private fields before any token exists.
 */
export function canSeePrivateFields(viewer: Viewer | null, userId: string, signedInUserId?: string): boolean {
  const own = viewer ? isSelf(viewer, userId) : userId === signedInUserId;
  return own || isAdmin(viewer);
}

/** `user(id)`: the viewer themself, or anyone for ADMIN. */
export function canReadUser(viewer: Viewer | null, userId: string): boolean {
  return isSelf(viewer, userId) || isAdmin(viewer);
}
