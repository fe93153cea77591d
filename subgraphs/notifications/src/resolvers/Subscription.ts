import { unauthenticated } from '../../../../shared/errors';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import { channels, fromNotice, type NotificationNotice } from '../realtime';

/** `notificationAdded`: the viewer's own feed channel (the shield rule requires a viewer). */
export const Subscription: SubscriptionResolvers = {
  notificationAdded: {
    subscribe: (_parent, _args, ctx) => {
      if (!ctx.viewer) throw unauthenticated();
      return ctx.pubsub.subscribe<NotificationNotice>(channels.feed(ctx.viewer.userId));
    },
    resolve: (notice: NotificationNotice) => fromNotice(notice),
  },
};
