import { entityRef } from '../../../../shared/entities';
import type { TicketResolvers } from '../__generated__/resolvers-types';

export const Ticket: TicketResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.ticketById.load(reference.id),
  // Foreign keys keep a ticket's event and type in place.
  event: async (ticket, _args, ctx) => (await ctx.loaders.eventById.load(ticket.eventId))!,
  ticketType: async (ticket, _args, ctx) => (await ctx.loaders.ticketTypeById.load(ticket.ticketTypeId))!,
  holder: (ticket) => entityRef(ticket.holderId),
  order: (ticket) => entityRef(ticket.orderId),
  qr: (ticket, _args, ctx) => ctx.qr.encode(ticket.id, ticket.eventId),
};
