/** The tickets subgraph's graphql-shield rules and its `_entities` reference rules. */
import { and, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, hasRole, isAuthenticated } from '../../../shared/auth/rules';
import type { EntityRef } from '../../../shared/entities';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import type { Ticket } from './data/tickets';
import { canListTicketsOf, canSeeEvent, canSeeTicket, canWatchCheckIns, cannotWatchCheckIns } from './domain/access';

/** `User.tickets`: the user themself or ADMIN (`canListTicketsOf`). */
const listsOwnTickets = rule({ cache: 'strict' })((user: EntityRef, _args, ctx: Context) =>
  canListTicketsOf(ctx, user.id),
);

/** Every field of a ticket, however it was reached: `canSeeTicket` (holder, organizer, door staff, ADMIN). */
const canSeeThisTicket = rule({ cache: 'strict' })((ticket: Ticket, _args, ctx: Context) => canSeeTicket(ctx, ticket));

/** `checkIns`: the event's door staff, its organizer, ADMIN. */
const watchesCheckIns = rule({ cache: 'strict' })(
  async (_parent, args: { eventId: string }, ctx: Context) =>
    (await canWatchCheckIns(ctx, args.eventId)) || cannotWatchCheckIns(),
);

/**
 * Deny by default (the fallback rule); everything readable is listed.
 *
 * - Events and ticket types are public once published. Drafts are hidden where they are
 *   reached: `event` and the reference rules below return nothing for them, and nothing else
 *   leads to a draft (tickets are only issued for sold, hence published, events).
 * - Tickets are guarded on the type itself, so every path (`ticket`, `myTickets`,
 *   `User.tickets`, `Order.tickets`, `checkIn`, `_entities`) applies the same rule.
 * - Changes to an event are checked in the services (the organizer or ADMIN), which need the
 *   row anyway; the rules here only require a signed-in caller (and a role to create).
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    events: allow,
    event: allow,
    myTickets: isAuthenticated,
    ticket: isAuthenticated,
  },
  Mutation: {
    createEvent: hasRole('ORGANIZER', 'ADMIN'),
    updateEvent: isAuthenticated,
    publishEvent: isAuthenticated,
    cancelEvent: isAuthenticated,
    completeEvent: isAuthenticated,
    createTicketType: isAuthenticated,
    updateTicketType: isAuthenticated,
    assignScanner: isAuthenticated,
    checkIn: isAuthenticated,
  },
  Subscription: {
    checkIns: and(isAuthenticated, watchesCheckIns),
  },
  CheckInEvent: allow,
  Event: allow,
  Venue: allow,
  TicketType: allow,
  Ticket: canSeeThisTicket,
  User: {
    id: allow,
    tickets: and(isAuthenticated, listsOwnTickets),
  },
  Order: {
    id: allow,
    // Filtered per ticket by TicketService.ofOrder (`canSeeTicketOfOrder`: buyer, the events' organizers, ADMIN).
    tickets: isAuthenticated,
  },
  CheckInResult: allow,
  EventConnection: allow,
  EventEdge: allow,
  TicketConnection: allow,
  TicketEdge: allow,
  PageInfo: allow,
  _Service: allow,
};

/**
 * `_entities`: an event or ticket type only when its event is visible to the caller, a ticket
 * only for those who may see it (a missing one resolves to null). User and Order references
 * carry nothing but the key the caller gave.
 */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  Event: async (reference, ctx) => {
    const event = await ctx.loaders.eventById.load(String(reference.id));
    return !event || canSeeEvent(ctx, event);
  },
  TicketType: async (reference, ctx) => {
    const type = await ctx.loaders.ticketTypeById.load(String(reference.id));
    const event = type && (await ctx.loaders.eventById.load(type.eventId));
    return !event || canSeeEvent(ctx, event);
  },
  Ticket: async (reference, ctx) => {
    const ticket = await ctx.loaders.ticketById.load(String(reference.id));
    return !ticket || (await canSeeTicket(ctx, ticket));
  },
  User: () => true,
  Order: () => true,
};
