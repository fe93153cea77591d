import { and, rule, type IRules } from 'graphql-shield';
import { allow, isAdmin, isAuthenticated } from '../../../shared/auth/rules';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import { canReadUser, canSeePrivateFields } from './domain/access';

const privateField = rule({ cache: 'strict' })((user: { id: string }, _args, ctx: Context) =>
  canSeePrivateFields(ctx.viewer, user.id, ctx.signedInUserId),
);
const readableUser = rule({ cache: 'strict' })((_parent, args: { id: string }, ctx: Context) =>
  canReadUser(ctx.viewer, args.id),
);

/** Deny by default (the fallback rule); every readable field is listed. Visibility: domain/access.ts. */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    me: isAuthenticated,
    user: and(isAuthenticated, readableUser),
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
    requestEmailVerification: isAuthenticated,
    // Anyone holding a mailed token: the link is opened where the user may not be signed in.
    verifyEmail: allow,
    requestPasswordReset: allow,
    resetPassword: allow,
  },
  User: {
    id: allow,
    name: allow,
    createdAt: allow,
    email: privateField,
    emailVerified: privateField,
    roles: privateField,
    status: privateField,
    profile: privateField,
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
