import type { NotificationDeliveryResolvers } from '../__generated__/resolvers-types';

/** A mail of the outbox is a notification row, with its attempts (batched). */
export const NotificationDelivery: NotificationDeliveryResolvers = {
  kind: (n) => n.template,
  deliveryAttempts: (n, _args, ctx) => ctx.loaders.attemptsByNotification.load(n.id),
};
