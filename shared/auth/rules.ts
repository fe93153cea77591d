import { allow, deny, rule } from 'graphql-shield';
import { forbidden, unauthenticated } from '../errors';
import type { Role, Viewer } from './tokens';
import { hasAnyRole } from './viewer';

/** What every subgraph's context carries for authorization. */
export interface AuthContext {
  viewer: Viewer | null;
}

export { allow, deny };

export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, ctx: AuthContext) =>
  ctx.viewer ? true : unauthenticated(),
);

export const hasRole = (...roles: Role[]) =>
  rule(`hasRole(${roles.join(',')})`, { cache: 'contextual' })((_parent, _args, ctx: AuthContext) => {
    if (!ctx.viewer) return unauthenticated();
    return hasAnyRole(ctx.viewer, ...roles) ? true : forbidden();
  });

export const isAdmin = hasRole('ADMIN');

/** The answer shield gives when a rule says no without an error of its own. */
export function denialError(_thrown: unknown, _parent: unknown, _args: unknown, ctx: AuthContext) {
  return ctx.viewer ? forbidden() : unauthenticated();
}
