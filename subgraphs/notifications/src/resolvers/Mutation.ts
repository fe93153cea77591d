import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  markNotificationsRead: (_parent, { ids }, ctx) => ctx.feed.markRead(ctx, ids),
  setNotificationPreferences: (_parent, { input }, ctx) => ctx.feed.setPreferences(ctx, input),
  unsubscribe: (_parent, { token }, ctx) => ctx.feed.unsubscribe(token),
  retryNotification: (_parent, { id }, ctx) => ctx.outbox.retry(id),
};
