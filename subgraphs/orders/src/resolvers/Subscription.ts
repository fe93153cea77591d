import { notFound } from '../../../../shared/errors';
import { withFilter } from '../../../../shared/realtime/pubsub';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import { cannotFollowOrder, isOrderAudience } from '../domain/access';
import { uuid } from '../domain/validation';
import type { EventAvailabilityModel } from '../models';
import { channels, type AvailabilityChanged, type OrderChanged } from '../realtime';

/**
 * Who may subscribe is checked by the shield rules (permissions.ts) at subscribe time; each
 * `orderUpdated` event is checked again against the audience it carries. Every event is
 * resolved from current rows (the context's loaders are renewed per event).
 */
export const Subscription: SubscriptionResolvers = {
  orderUpdated: {
    subscribe: (_parent, args, ctx) =>
      withFilter(ctx.pubsub.subscribe<OrderChanged>(channels.order(uuid('id', args.id))), (event) => {
        if (!isOrderAudience(ctx.viewer, event)) throw cannotFollowOrder();
        return true;
      }),
    resolve: async (event: OrderChanged, _args: unknown, ctx: Context) => {
      const order = await ctx.loaders.orderById.load(event.orderId);
      if (!order) throw notFound('Order');
      return order;
    },
  },
  eventAvailabilityChanged: {
    subscribe: (_parent, args, ctx) =>
      ctx.pubsub.subscribe<AvailabilityChanged>(channels.availability(uuid('eventId', args.eventId))),
    resolve: async (event: AvailabilityChanged, _args: unknown, ctx: Context): Promise<EventAvailabilityModel> => ({
      eventId: event.eventId,
      ticketTypes: await ctx.loaders.ticketTypesByEvent.load(event.eventId),
    }),
  },
};
