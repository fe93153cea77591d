import { and, or, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, hasRole, isAdmin, isAuthenticated } from '../../../shared/auth/rules';
import { isSelf as viewerIsSelf } from '../../../shared/auth/viewer';
import { forbidden } from '../../../shared/errors';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import { canSeeTicket, isAgent as viewerIsAgent } from './domain/access';

const isAgent = hasRole('AGENT', 'ADMIN');
/** `supportMessageAdded`: agents, the ticket's requester, the holder of its visitor token. */
const followsSupportTicket = rule({ cache: 'strict' })(
  async (_parent, args: { ticketId: string; visitorToken?: string | null }, ctx: Context) =>
    !!(await ctx.ticketQueries.get(ctx, args.ticketId, args.visitorToken)) ||
    forbidden('Only agents, its requester or its visitor may follow this ticket'),
);
/** The user whose field is read is the viewer. */
const isSelf = rule({ cache: 'strict' })((user: { id: string }, _args, ctx: Context) =>
  viewerIsSelf(ctx.viewer, user.id),
);

/**
 * Deny by default (the fallback rule). Ticket visibility is decided where tickets enter a
 * response: `supportTicket` (agents, requester, visitor token), the lists (agents; others
 * only their own), and the SupportTicket reference rule below. Fields of a ticket that was
 * handed out are readable, except `sla` (agents); internal notes are filtered out of
 * `messages` in the query itself for anyone but agents.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    supportTicket: allow,
    supportTickets: isAgent,
    supportCategories: allow,
    faqs: allow,
    cannedResponses: isAgent,
    renderCannedResponse: isAgent,
    slaPolicies: isAgent,
    supportAgents: isAgent,
  },
  Mutation: {
    createSupportTicket: isAuthenticated,
    createWidgetTicket: allow,
    replyToSupportTicket: allow, // the ticket's requester, visitor token or an agent: checked in the service
    rateSupportTicket: allow, // likewise
    claimWidgetTickets: isAuthenticated,
    assignSupportTicket: isAgent,
    setSupportTicketStatus: isAgent,
    updateSupportTicket: isAgent,
    mergeSupportTickets: isAgent,
    createCannedResponse: isAgent,
    updateCannedResponse: isAgent,
    deleteCannedResponse: isAgent,
    createFAQ: isAgent,
    updateFAQ: isAgent,
    deleteFAQ: isAgent,
    createSupportCategory: isAdmin,
    setSlaPolicy: isAdmin,
    setAgentAvailability: isAgent,
  },
  Subscription: {
    supportMessageAdded: followsSupportTicket,
    supportQueueUpdated: isAgent,
  },
  SupportQueueEvent: allow,
  User: {
    id: allow,
    supportTickets: and(isAuthenticated, or(isSelf, isAgent)),
  },
  Order: { id: allow, supportTickets: isAuthenticated },
  Event: { id: allow, supportTickets: isAuthenticated },
  Ticket: { id: allow },
  SupportTicket: {
    '*': allow,
    sla: isAgent,
  },
  SupportGuest: allow,
  SupportSla: allow,
  SupportSatisfaction: allow,
  SupportMessage: allow,
  SupportMessageAuthor: allow,
  SupportCategory: allow,
  CannedResponse: isAgent,
  FAQ: allow,
  SlaPolicy: allow,
  SupportAgent: allow,
  SupportTicketConnection: allow,
  SupportTicketEdge: allow,
  SupportMessageConnection: allow,
  SupportMessageEdge: allow,
  FAQConnection: allow,
  FAQEdge: allow,
  WidgetTicketPayload: allow,
  PageInfo: allow,
  _Service: allow,
};

/**
 * `_entities`: users, orders and events resolve to their id (their `supportTickets` are scoped
 * to the viewer); a SupportTicket only for agents and its requester.
 */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  User: () => true,
  Order: () => true,
  Event: () => true,
  SupportTicket: async (reference, ctx) => {
    if (viewerIsAgent(ctx.viewer)) return true; // an absent ticket then resolves to null
    if (typeof reference.id !== 'string') return false;
    const ticket = await ctx.loaders.ticketById.load(reference.id);
    return !!ticket && canSeeTicket(ctx.viewer, ticket);
  },
};
