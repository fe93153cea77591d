import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, ctx) => ctx.auth.register(ctx, input),
  login: (_parent, { input }, ctx) => ctx.auth.login(ctx, input),
  refreshSession: (_parent, { refreshToken }, ctx) => ctx.auth.refresh(ctx, refreshToken),
  logout: (_parent, { refreshToken }, ctx) => ctx.auth.logout(ctx, refreshToken),
  changePassword: (_parent, { input }, ctx) => ctx.auth.changePassword(ctx, input),
  updateProfile: (_parent, { input }, ctx) => ctx.users.updateProfile(ctx, input),
  setUserRoles: (_parent, { userId, roles }, ctx) => ctx.users.setRoles(ctx, userId, roles),
  setUserStatus: (_parent, { userId, status }, ctx) => ctx.users.setStatus(ctx, userId, status),
};
