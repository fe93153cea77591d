/**
 * Changes of support tickets: opening as a signed-in customer, the conversation, triage,
 * status, merging, satisfaction. Each runs in `TicketWriter.change` (lock, save, publish once
 * committed); who may see and change a ticket is domain/access.ts. Reads: ticket-queries.ts.
 */
import type { Db } from '../../../../shared/db';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import type { OwnershipChecker } from '../data/known-entities';
import { findCategoriesByIds } from '../data/reference';
import type { Message, MessageFormat, SupportPriority, SupportTicket, SupportTicketStatus } from '../data/tickets';
import type { UserDirectory } from '../data/user-directory';
import * as access from './access';
import { emitReplyPosted, emitTicketRated, emitTicketResolved } from './events';
import { closePause, PAUSED, pausesOf, storePauses, type SlaService } from './sla-service';
import type { TicketWriter } from './ticket-writer';
import * as valid from './validation';

/** A customer's reply reopens a resolved ticket within this long; later it is refused. */
const REOPEN_WINDOW_MS = 7 * 86_400_000;

/** A ticket the caller may not see is answered as an absent one. */
const invisible = () => notFound('Support ticket');

export interface TicketServiceDeps {
  db: Db;
  writer: TicketWriter;
  sla: SlaService;
  ownership: OwnershipChecker;
  directory: UserDirectory;
  now: () => Date;
}

export interface CreateTicketInput {
  subject: string;
  message: string;
  format?: MessageFormat | null;
  categoryId?: string | null;
  orderId?: string | null;
  eventId?: string | null;
  admissionTicketId?: string | null;
}

export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  private async category(field: string, id: string | null | undefined): Promise<string | null> {
    const categoryId = valid.optionalUuid(field, id);
    if (categoryId && (await findCategoriesByIds(this.deps.db, [categoryId])).length === 0)
      throw badInput(field, 'Unknown category');
    return categoryId;
  }

  async create(ctx: RequestContext, input: CreateTicketInput): Promise<SupportTicket> {
    if (!ctx.viewer) throw unauthenticated();
    const userId = ctx.viewer.userId;
    const subject = valid.text('input.subject', input.subject, { min: 1, max: 200 });
    const body = valid.body('input.message', input.message);
    const categoryId = await this.category('input.categoryId', input.categoryId);
    const orderId = valid.optionalUuid('input.orderId', input.orderId);
    const eventId = valid.optionalUuid('input.eventId', input.eventId);
    const admissionTicketId = valid.optionalUuid('input.admissionTicketId', input.admissionTicketId);
    const { ownership } = this.deps;
    if (orderId && !(await ownership.ownsOrder(userId, orderId)))
      throw badInput('input.orderId', 'You have no order with this id');
    if (admissionTicketId && !(await ownership.holdsTicket(userId, admissionTicketId))) {
      throw badInput('input.admissionTicketId', 'You hold no ticket with this id');
    }
    if (eventId && !(await ownership.eventExists(eventId))) throw badInput('input.eventId', 'Unknown event');
    return this.deps.writer.open(
      { subject, channel: 'WEB', categoryId, requesterId: userId, orderId, eventId, admissionTicketId },
      { body, format: input.format ?? 'PLAIN', authorKind: 'USER', authorId: userId, authorName: null },
    );
  }

  async reply(
    ctx: RequestContext,
    input: { ticketId: string; body: string; format?: MessageFormat | null; internal?: boolean | null },
    visitorToken?: string | null,
  ): Promise<Message> {
    const ticketId = valid.uuid('input.ticketId', input.ticketId);
    const body = valid.body('input.body', input.body);
    if (input.internal && !access.isAgent(ctx.viewer)) throw forbidden('Only agents write internal notes');
    const now = this.deps.now();
    return this.deps.writer.change(async ({ tx, lock, save, addMessage }) => {
      const ticket = await lock(ticketId);
      if (!access.canSeeTicket(ctx.viewer, ticket, visitorToken)) throw invisible();
      if (ticket.mergedIntoId) throw conflict('This ticket was merged into another one; reply there', 'input.ticketId');
      let pauses = pausesOf(ticket);
      let { status, firstResponseAt, resolvedAt } = ticket;
      // The requester (or visitor) speaks as the customer, even if they also hold the AGENT role.
      if (access.repliesAsCustomer(ctx.viewer, ticket)) {
        if (status === 'CLOSED' || (status === 'RESOLVED' && now.getTime() - resolvedAt!.getTime() > REOPEN_WINDOW_MS))
          throw conflict('This ticket is closed; open a new one', 'input.ticketId');
        if (status === 'RESOLVED') {
          // Reopened: the time it spent resolved does not count against the SLA.
          pauses = [...pauses, { from: resolvedAt!, to: now }];
          resolvedAt = null;
          status = 'OPEN';
        } else if (status === 'PENDING') {
          pauses = closePause(pauses, now);
          status = 'OPEN';
        }
      } else if (!input.internal) {
        firstResponseAt ??= now;
        if (status === 'NEW') status = 'OPEN';
      }
      const sla = await this.deps.sla.columns(tx, { ...ticket, firstResponseAt, resolvedAt }, pauses, now);
      const saved = await save(ticket, { status, firstResponseAt, resolvedAt, ...sla });
      const asUser = access.repliesAsUser(ctx.viewer, ticket, visitorToken);
      const message = await addMessage({
        ticketId: ticket.id,
        createdAt: now,
        body,
        format: input.format ?? 'PLAIN',
        internal: !!input.internal,
        authorKind: asUser ? 'USER' : 'GUEST',
        authorId: asUser ? ctx.viewer!.userId : null,
        authorName: asUser ? null : ticket.guestName,
      });
      // An agent's answer reaches the requester by mail; internal notes and the customer's own words do not.
      if (!input.internal && !access.repliesAsCustomer(ctx.viewer, ticket)) await emitReplyPosted(tx, saved, message);
      return message;
    });
  }

  async assign(_ctx: RequestContext, ticketId: string, assigneeId: string | null | undefined): Promise<SupportTicket> {
    const id = valid.uuid('ticketId', ticketId);
    const agentId = valid.optionalUuid('assigneeId', assigneeId);
    if (agentId && !(await this.deps.directory.isAgent(agentId)))
      throw badInput('assigneeId', 'The assignee must be an active AGENT');
    return this.deps.writer.change(async ({ lock, save }) => save(await lock(id), { assigneeId: agentId }));
  }

  async setStatus(_ctx: RequestContext, ticketId: string, status: SupportTicketStatus): Promise<SupportTicket> {
    const id = valid.uuid('ticketId', ticketId);
    if (status === 'NEW') throw badInput('status', 'A ticket cannot go back to NEW');
    const now = this.deps.now();
    return this.deps.writer.change(async ({ tx, lock, save }) => {
      const ticket = await lock(id);
      if (ticket.status === status) return ticket;
      if (ticket.status === 'CLOSED') throw conflict('A closed ticket cannot change status', 'status');
      let pauses = pausesOf(ticket);
      let resolvedAt = ticket.resolvedAt;
      if (PAUSED.includes(ticket.status)) pauses = closePause(pauses, now);
      if (ticket.status === 'RESOLVED') {
        // Reopened by an agent: the resolved period is a pause of the clocks.
        pauses = [...pauses, { from: ticket.resolvedAt!, to: now }];
        resolvedAt = null;
      }
      if (PAUSED.includes(status)) pauses = [...pauses, { from: now, to: null }];
      if (status === 'RESOLVED' || (status === 'CLOSED' && !resolvedAt)) resolvedAt = now;
      const sla = await this.deps.sla.columns(tx, { ...ticket, resolvedAt }, pauses, now);
      const updated = await save(ticket, { status, resolvedAt, closedAt: status === 'CLOSED' ? now : null, ...sla });
      if (status === 'RESOLVED') await emitTicketResolved(tx, updated);
      return updated;
    });
  }

  async update(
    _ctx: RequestContext,
    input: { ticketId: string; priority?: SupportPriority | null; categoryId?: string | null; tags?: string[] | null },
  ): Promise<SupportTicket> {
    const id = valid.uuid('input.ticketId', input.ticketId);
    const categoryId =
      input.categoryId === undefined ? undefined : await this.category('input.categoryId', input.categoryId);
    const tags = input.tags == null ? undefined : valid.tags('input.tags', input.tags);
    const now = this.deps.now();
    return this.deps.writer.change(async ({ tx, lock, save }) => {
      const ticket = await lock(id);
      const priority = input.priority ?? ticket.priority;
      const sla = await this.deps.sla.columns(tx, { ...ticket, priority }, pausesOf(ticket), now);
      return save(ticket, { priority, categoryId, tags, ...sla });
    });
  }

  /** Closes `sourceId` into `targetId`: both conversations say so, the target takes the source's tags. */
  async merge(_ctx: RequestContext, sourceId: string, targetId: string): Promise<SupportTicket> {
    const source = valid.uuid('sourceId', sourceId);
    const target = valid.uuid('targetId', targetId);
    if (source === target) throw badInput('targetId', 'A ticket cannot be merged into itself');
    const now = this.deps.now();
    return this.deps.writer.change(async ({ lock, save, addMessage }) => {
      // Lock in id order, so two merges of the same pair cannot deadlock.
      const locked = new Map<string, SupportTicket>();
      for (const id of [source, target].sort()) {
        const field = id === source ? 'sourceId' : 'targetId';
        locked.set(id, await lock(id, () => badInput(field, 'Unknown support ticket')));
      }
      const from = locked.get(source)!;
      const into = locked.get(target)!;
      if (from.mergedIntoId) throw conflict(`#${from.number} is already merged`, 'sourceId');
      if (into.mergedIntoId || into.status === 'CLOSED') throw conflict(`#${into.number} is closed`, 'targetId');
      await save(from, {
        mergedIntoId: into.id,
        status: 'CLOSED',
        closedAt: now,
        resolvedAt: from.resolvedAt ?? now,
        slaDueAt: null,
        slaPauses: storePauses(closePause(pausesOf(from), now)),
      });
      const body = `#${from.number} was merged into #${into.number}.`;
      for (const ticketId of [from.id, into.id])
        await addMessage({ ticketId, createdAt: now, body, authorKind: 'SYSTEM', internal: false });
      return save(into, { tags: [...new Set([...into.tags, ...from.tags])] });
    });
  }

  /** The requester (or visitor) rates a resolved ticket once; `SupportTicketResolved` is emitted again with it. */
  async rate(
    ctx: RequestContext,
    input: { ticketId: string; rating: number; comment?: string | null },
    visitorToken?: string | null,
  ): Promise<SupportTicket> {
    const id = valid.uuid('input.ticketId', input.ticketId);
    const rating = valid.intBetween('input.rating', input.rating, 1, 5);
    const comment = valid.optionalText('input.comment', input.comment, 2000);
    const now = this.deps.now();
    return this.deps.writer.change(async ({ tx, lock, save }) => {
      const ticket = await lock(id);
      if (!access.canSeeTicket(ctx.viewer, ticket, visitorToken)) throw invisible();
      if (!access.isRequester(ctx.viewer, ticket, visitorToken)) throw forbidden('Only the requester rates a ticket');
      if (ticket.status !== 'RESOLVED' && ticket.status !== 'CLOSED')
        throw conflict('Only a resolved ticket can be rated', 'input.ticketId');
      if (ticket.rating) throw conflict('This ticket was already rated', 'input.ticketId');
      const updated = await save(ticket, { rating, ratingComment: comment, ratedAt: now });
      if (updated.resolvedAt) await emitTicketResolved(tx, updated);
      // A guest's rating (visitor token) has no user to reward.
      if (updated.requesterId) await emitTicketRated(tx, updated, updated.requesterId);
      return updated;
    });
  }
}
