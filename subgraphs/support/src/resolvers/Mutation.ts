import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createSupportTicket: (_parent, { input }, ctx) => ctx.tickets.create(ctx, input),
  createWidgetTicket: (_parent, { input }, ctx) => ctx.widget.create(ctx, input),
  replyToSupportTicket: (_parent, { input, visitorToken }, ctx) => ctx.tickets.reply(ctx, input, visitorToken),
  assignSupportTicket: (_parent, { ticketId, assigneeId }, ctx) => ctx.tickets.assign(ctx, ticketId, assigneeId),
  setSupportTicketStatus: (_parent, { ticketId, status }, ctx) => ctx.tickets.setStatus(ctx, ticketId, status),
  updateSupportTicket: (_parent, { input }, ctx) => ctx.tickets.update(ctx, input),
  mergeSupportTickets: (_parent, { sourceId, targetId }, ctx) => ctx.tickets.merge(ctx, sourceId, targetId),
  rateSupportTicket: (_parent, { input, visitorToken }, ctx) => ctx.tickets.rate(ctx, input, visitorToken),
  claimWidgetTickets: (_parent, { visitorToken }, ctx) => ctx.widget.claim(ctx, visitorToken),
  createCannedResponse: (_parent, { input }, ctx) => ctx.admin.createCanned(ctx, input),
  updateCannedResponse: (_parent, { id, input }, ctx) => ctx.admin.updateCanned(ctx, id, input),
  deleteCannedResponse: (_parent, { id }, ctx) => ctx.admin.deleteCanned(ctx, id),
  createFAQ: (_parent, { input }, ctx) => ctx.faqs.create(ctx, input),
  updateFAQ: (_parent, { id, input }, ctx) => ctx.faqs.update(ctx, id, input),
  deleteFAQ: (_parent, { id }, ctx) => ctx.faqs.remove(ctx, id),
  createSupportCategory: (_parent, { input }, ctx) => ctx.admin.createCategory(ctx, input),
  setSlaPolicy: (_parent, { priority, firstResponseMinutes, resolutionMinutes }, ctx) =>
    ctx.sla.setPolicy(ctx, priority, firstResponseMinutes, resolutionMinutes),
  setAgentAvailability: (_parent, { input }, ctx) => ctx.admin.setAvailability(ctx, input),
};
