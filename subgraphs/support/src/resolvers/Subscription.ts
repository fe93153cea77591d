import { notFound } from '../../../../shared/errors';
import { withFilter } from '../../../../shared/realtime/pubsub';
import type { SubscriptionResolvers, SupportQueueEventResolvers } from '../__generated__/resolvers-types';
import { isAgent } from '../domain/ticket-service';
import { channels, type MessageNotice, type SupportQueueNotice } from '../realtime';

/** Who may subscribe is checked by the shield rules (permissions.ts); internal notes are filtered per event. */
export const Subscription: SubscriptionResolvers = {
  supportMessageAdded: {
    subscribe: (_parent, args, ctx) =>
      withFilter(
        ctx.pubsub.subscribe<MessageNotice>(channels.messages(args.ticketId.toLowerCase())),
        (message) => !message.internal || isAgent(ctx),
      ),
    resolve: (message: MessageNotice) => ({ ...message, createdAt: new Date(message.createdAt) }),
  },
  supportQueueUpdated: {
    subscribe: (_parent, _args, ctx) => ctx.pubsub.subscribe<SupportQueueNotice>(channels.queue),
    resolve: (notice: SupportQueueNotice) => notice,
  },
};

/** The ticket as it is when the event is delivered (the context's loaders are renewed per event). */
export const SupportQueueEvent: SupportQueueEventResolvers = {
  ticket: async (notice, _args, ctx) => {
    const ticket = await ctx.loaders.ticketById.load(notice.ticketId);
    if (!ticket) throw notFound('Support ticket');
    return ticket;
  },
};
