import type {
  EventResolvers,
  FaqResolvers,
  OrderResolvers,
  SupportAgentResolvers,
  SupportMessageAuthorResolvers,
  SupportMessageResolvers,
  UserResolvers,
} from '../__generated__/resolvers-types';
import { renderBody } from '../domain/markdown';

/** Entities of other subgraphs: here each is its id (no lookup to batch); their tickets are scoped to the viewer. */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  supportTickets: (user, args, ctx) =>
    ctx.tickets.list(ctx, { ...args, orderBy: 'CREATED_AT_DESC' }, { requesterId: user.id }),
};

export const Order: OrderResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  supportTickets: (order, args, ctx) =>
    ctx.tickets.list(ctx, { ...args, orderBy: 'CREATED_AT_DESC' }, { orderId: order.id }),
};

export const Event: EventResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  supportTickets: (event, args, ctx) =>
    ctx.tickets.list(ctx, { ...args, orderBy: 'CREATED_AT_DESC' }, { eventId: event.id }),
};

export const SupportMessage: SupportMessageResolvers = {
  // Author fields are columns of the message row.
  author: (m) => m,
  html: (m) => renderBody(m.body, m.format),
};

export const SupportMessageAuthor: SupportMessageAuthorResolvers = {
  kind: (m) => m.authorKind,
  user: (m) => (m.authorId ? { id: m.authorId } : null),
  name: (m) => m.authorName,
};

export const FAQ: FaqResolvers = {
  answerHtml: (f) => renderBody(f.answer, 'MARKDOWN'),
  category: (f, _args, ctx) => (f.categoryId ? ctx.loaders.categoryById.load(f.categoryId) : null),
};

export const SupportAgent: SupportAgentResolvers = {
  agent: (a) => ({ id: a.agentId }),
};
