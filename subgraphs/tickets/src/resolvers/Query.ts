import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  events: (_parent, args, ctx) => ctx.events.list(ctx, args),
  event: (_parent, args, ctx) => ctx.events.get(ctx, args.id),
  // `myTickets` is behind isAuthenticated, so the viewer exists.
  myTickets: (_parent, args, ctx) => ctx.tickets.listOfHolder(ctx, ctx.viewer!.userId, args),
  ticket: (_parent, args, ctx) => ctx.tickets.get(ctx, args.id),
};
