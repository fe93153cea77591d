import type { TicketTypeResolvers } from '../__generated__/resolvers-types';

export const TicketType: TicketTypeResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.ticketTypeById.load(reference.id),
  // A ticket type exists only with its event (foreign key), so the event is there.
  event: async (type, _args, ctx) => (await ctx.loaders.eventById.load(type.eventId))!,
};
