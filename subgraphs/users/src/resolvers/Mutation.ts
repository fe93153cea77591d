import type { MutationResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { AuthResult } from '../domain/auth-service';

function signedIn(ctx: Context, result: AuthResult): AuthResult {
  ctx.signedInUserId = result.user.id;
  return result;
}

export const Mutation: MutationResolvers = {
  register: async (_parent, { input }, ctx) => signedIn(ctx, await ctx.auth.register(ctx, input)),
  login: async (_parent, { input }, ctx) => signedIn(ctx, await ctx.auth.login(ctx, input)),
  refreshSession: async (_parent, { refreshToken }, ctx) => signedIn(ctx, await ctx.auth.refresh(ctx, refreshToken)),
  logout: (_parent, { refreshToken }, ctx) => ctx.auth.logout(ctx, refreshToken),
  changePassword: (_parent, { input }, ctx) => ctx.auth.changePassword(ctx, input),
  updateProfile: (_parent, { input }, ctx) => ctx.users.updateProfile(ctx, input),
  setUserRoles: (_parent, { userId, roles }, ctx) => ctx.users.setRoles(ctx, userId, roles),
  setUserStatus: (_parent, { userId, status }, ctx) => ctx.users.setStatus(ctx, userId, status),
  requestEmailVerification: (_parent, _args, ctx) => ctx.accountMail.requestVerification(ctx),
  verifyEmail: (_parent, { token }, ctx) => ctx.accountMail.verifyEmail(ctx, token),
  requestPasswordReset: (_parent, { email }, ctx) => ctx.accountMail.requestPasswordReset(ctx, email),
  resetPassword: (_parent, { token, newPassword }, ctx) => ctx.accountMail.resetPassword(ctx, token, newPassword),
};
