import { entityRef } from '../../../../shared/entities';
import type { SupportTicketResolvers } from '../__generated__/resolvers-types';

const ref = (id: string | null) => (id ? entityRef(id) : null);

export const SupportTicket: SupportTicketResolvers = {
  // The reference rule (permissions.ts) has already checked the caller may see it.
  __resolveReference: (reference, ctx) => ctx.loaders.ticketById.load(reference.id),
  category: (t, _args, ctx) => (t.categoryId ? ctx.loaders.categoryById.load(t.categoryId) : null),
  requester: (t) => ref(t.requesterId),
  guest: (t) => (t.guestEmail ? { name: t.guestName ?? '', email: t.guestEmail } : null),
  assignee: (t) => ref(t.assigneeId),
  messages: (t, args, ctx) => ctx.ticketQueries.messages(ctx, t, args),
  order: (t) => ref(t.orderId),
  event: (t) => ref(t.eventId),
  admissionTicket: (t) => ref(t.admissionTicketId),
  mergedInto: (t, _args, ctx) => (t.mergedIntoId ? ctx.loaders.ticketById.load(t.mergedIntoId) : null),
  sla: async (t, _args, ctx) => ctx.sla.view(t, await ctx.loaders.slaPolicy.load(t.priority)),
  satisfaction: (t) =>
    t.rating && t.ratedAt ? { rating: t.rating, comment: t.ratingComment, ratedAt: t.ratedAt } : null,
};
