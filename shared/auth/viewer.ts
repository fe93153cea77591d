import type { Role, Viewer } from './tokens';

/**
 * Plain checks on the verified viewer, for domain services and access rules (shield rules in
 * `rules.ts` wrap the same questions for the schema). All answer `false` for an anonymous caller.
 */
export function hasAnyRole(viewer: Viewer | null | undefined, ...roles: Role[]): boolean {
  return !!viewer && roles.some((role) => viewer.roles.includes(role));
}

export function isAdmin(viewer: Viewer | null | undefined): boolean {
  return hasAnyRole(viewer, 'ADMIN');
}

/** Is the viewer this user? */
export function isSelf(viewer: Viewer | null | undefined, userId: string | null | undefined): boolean {
  return !!viewer && !!userId && viewer.userId === userId.toLowerCase();
}

/** Is the viewer this user, or an admin? The common "own data" rule. */
export function isSelfOrAdmin(viewer: Viewer | null | undefined, userId: string | null | undefined): boolean {
  return isSelf(viewer, userId) || isAdmin(viewer);
}
