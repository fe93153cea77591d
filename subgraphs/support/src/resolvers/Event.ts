import type { EventResolvers } from '../__generated__/resolvers-types';

/** An event (owned by the tickets subgraph): here only its id; its tickets are scoped to the viewer. */
export const Event: EventResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  supportTickets: (event, args, ctx) =>
    ctx.ticketQueries.list(ctx, { ...args, orderBy: 'CREATED_AT_DESC' }, { eventId: event.id }),
};
