import { and, or, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, isAdmin, isAuthenticated } from '../../../shared/auth/rules';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';

/** The user whose field is read is the viewer (or the one this request just signed in). */
const isSelf = rule({ cache: 'strict' })(
  (user: { id: string }, _args, ctx: Context) => user.id === (ctx.viewer?.userId ?? ctx.signedInUserId),
);
const isSelfArg = rule({ cache: 'strict' })(
  (_parent, args: { id: string }, ctx: Context) => args.id === ctx.viewer?.userId,
);

/**
 * Deny by default (the fallback rule); every field that is readable is listed. A user's
 * identity (id, name, createdAt) is public because other domains show organizers and authors;
 * contact details, roles and status are for the user and ADMIN only, whichever way the user is
 * reached (a query, a reference from another subgraph, `_entities` called directly).
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    me: isAuthenticated,
    user: and(isAuthenticated, or(isSelfArg, isAdmin)),
    users: isAdmin,
  },
  Mutation: {
    register: allow,
    login: allow,
    refreshSession: allow,
    logout: allow,
    changePassword: isAuthenticated,
    updateProfile: isAuthenticated,
    setUserRoles: isAdmin,
    setUserStatus: isAdmin,
  },
  User: {
    id: allow,
    name: allow,
    createdAt: allow,
    email: or(isSelf, isAdmin),
    roles: or(isSelf, isAdmin),
    status: or(isSelf, isAdmin),
    profile: or(isSelf, isAdmin),
  },
  UserProfile: allow,
  AuthPayload: allow,
  UserConnection: allow,
  UserEdge: allow,
  PageInfo: allow,
  _Service: allow,
};

/** Anyone may resolve a User reference; the field rules above decide what it shows. */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  User: () => true,
};
