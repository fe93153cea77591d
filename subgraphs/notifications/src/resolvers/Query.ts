import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  notificationDeliveries: (_parent, args, ctx) => ctx.outbox.list(args),
};
