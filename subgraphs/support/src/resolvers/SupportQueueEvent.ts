import { notFound } from '../../../../shared/errors';
import type { SupportQueueEventResolvers } from '../__generated__/resolvers-types';

/** The ticket as it is when the event is delivered (the context's loaders are renewed per event). */
export const SupportQueueEvent: SupportQueueEventResolvers = {
  ticket: async (notice, _args, ctx) => {
    const ticket = await ctx.loaders.ticketById.load(notice.ticketId);
    if (!ticket) throw notFound('Support ticket');
    return ticket;
  },
};
