import { withFilter } from '../../../../shared/realtime/pubsub';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import { seesInternalNotes } from '../domain/access';
import { channels, type MessageNotice, type SupportQueueNotice } from '../realtime';

/** Who may subscribe is checked by the shield rules (permissions.ts); internal notes are filtered per event. */
export const Subscription: SubscriptionResolvers = {
  supportMessageAdded: {
    subscribe: (_parent, args, ctx) =>
      withFilter(
        ctx.pubsub.subscribe<MessageNotice>(channels.messages(args.ticketId.toLowerCase())),
        (message) => !message.internal || seesInternalNotes(ctx.viewer),
      ),
    resolve: (message: MessageNotice) => ({ ...message, createdAt: new Date(message.createdAt) }),
  },
  supportQueueUpdated: {
    subscribe: (_parent, _args, ctx) => ctx.pubsub.subscribe<SupportQueueNotice>(channels.queue),
    resolve: (notice: SupportQueueNotice) => notice,
  },
};
