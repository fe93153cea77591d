import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  supportTicket: (_parent, { id, visitorToken }, ctx) => ctx.ticketQueries.get(ctx, id, visitorToken),
  supportTickets: (_parent, args, ctx) => ctx.ticketQueries.list(ctx, args),
  supportCategories: (_parent, _args, ctx) => ctx.admin.categories(),
  faqs: (_parent, args, ctx) => ctx.faqs.search(ctx, args),
  cannedResponses: (_parent, _args, ctx) => ctx.admin.cannedResponses(),
  renderCannedResponse: (_parent, { id, ticketId }, ctx) => ctx.admin.render(ctx, id, ticketId),
  slaPolicies: (_parent, _args, ctx) => ctx.sla.policies(),
  supportAgents: (_parent, _args, ctx) => ctx.admin.agents(),
};
