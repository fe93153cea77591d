import { notFound } from '../../../../shared/errors';
import { mapAsyncIterator, withFilter } from '../../../../shared/realtime/pubsub';
import type { CheckInEventResolvers, SubscriptionResolvers } from '../__generated__/resolvers-types';
import { canWatchCheckIns, cannotWatchCheckIns } from '../domain/access';
import { uuid } from '../domain/validation';
import { channels, type CheckInNotice } from '../realtime';

/**
 * Who may subscribe is checked by the shield rule (permissions.ts); every event checks again
 * (door staff may be unassigned meanwhile), with the context's loaders renewed per event.
 */
export const Subscription: SubscriptionResolvers = {
  checkIns: {
    subscribe: (_parent, args, ctx) => {
      const eventId = uuid('eventId', args.eventId);
      const allowed = withFilter(ctx.pubsub.subscribe<CheckInNotice>(channels.checkIns(eventId)), async () => {
        if (!(await canWatchCheckIns(ctx, eventId))) throw cannotWatchCheckIns();
        return true;
      });
      // Scans committed at the same moment may be published out of order: the running count
      // a subscriber sees never goes back.
      let highest = 0;
      return mapAsyncIterator(allowed, (notice) => ({
        ...notice,
        checkedInCount: (highest = Math.max(highest, notice.checkedInCount)),
      }));
    },
    resolve: (notice: CheckInNotice) => notice,
  },
};

export const CheckInEvent: CheckInEventResolvers = {
  ticket: async (notice, _args, ctx) => {
    const ticket = await ctx.loaders.ticketById.load(notice.ticketId);
    if (!ticket) throw notFound('Ticket');
    return ticket;
  },
};
