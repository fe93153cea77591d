import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createEvent: (_parent, { input }, ctx) => ctx.events.create(ctx, input),
  updateEvent: (_parent, { id, input }, ctx) => ctx.events.update(ctx, id, input),
  publishEvent: (_parent, { id }, ctx) => ctx.events.publish(ctx, id),
  cancelEvent: (_parent, { id, reason }, ctx) => ctx.events.cancel(ctx, id, reason),
  completeEvent: (_parent, { id }, ctx) => ctx.events.complete(ctx, id),
  createTicketType: (_parent, { input }, ctx) => ctx.ticketTypes.create(ctx, input),
  updateTicketType: (_parent, { id, input }, ctx) => ctx.ticketTypes.update(ctx, id, input),
  assignScanner: (_parent, { eventId, userId }, ctx) => ctx.events.assignScanner(ctx, eventId, userId),
  checkIn: (_parent, { input }, ctx) => ctx.checkIns.checkIn(ctx, input),
};
