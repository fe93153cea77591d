import { createHash, randomBytes } from 'node:crypto';
import type { Prisma, SlaPolicy } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';
import { badInput, conflict, forbidden, notFound, rateLimited, unauthenticated } from '../../../../shared/errors';
import { emit } from '../../../../shared/events/outbox';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import { pickAgent } from '../data/agents';
import type { OwnershipChecker } from '../data/known-entities';
import type { WindowCounter } from '../data/rate-limits';
import { findCategoriesByIds } from '../data/reference';
import * as data from '../data/tickets';
import type {
  Message,
  MessageFormat,
  SupportPriority,
  SupportTicket,
  SupportTicketStatus,
  TicketListFilter,
  TicketOrder,
} from '../data/tickets';
import type { UserDirectory } from '../data/user-directory';
import type { SupportSlaView } from '../models';
import { SupportNotices, type SupportRealtime } from '../realtime';
import { slaState, type BusinessCalendar, type Pause } from './business-hours';
import * as valid from './validation';

const PRODUCER = 'support';
/** A customer's reply reopens a resolved ticket within this long; later it is refused. */
const REOPEN_WINDOW_MS = 7 * 86_400_000;
const PAUSED: SupportTicketStatus[] = ['PENDING', 'ON_HOLD'];
const WIDGET_WINDOW_SECONDS = 3600;

export interface TicketServiceDeps {
  db: Db;
  calendar: BusinessCalendar;
  ownership: OwnershipChecker;
  directory: UserDirectory;
  counter: WindowCounter;
  widgetLimits: { perIp: number; perEmail: number };
  realtime: SupportRealtime;
  now?: () => Date;
}

/** Agents and ADMIN work the help desk: they see every ticket and internal notes. */
export function isAgent(ctx: RequestContext): boolean {
  return !!ctx.viewer && (ctx.viewer.roles.includes('AGENT') || ctx.viewer.roles.includes('ADMIN'));
}

export const hashVisitorToken = (token: string) => createHash('sha256').update(token).digest('hex');

type StoredPause = { from: string; to: string | null };
const pausesOf = (t: SupportTicket): Pause[] =>
  (t.slaPauses as StoredPause[]).map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null }));
const storePauses = (pauses: Pause[]): StoredPause[] =>
  pauses.map((p) => ({ from: p.from.toISOString(), to: p.to?.toISOString() ?? null }));
const closePause = (pauses: Pause[], now: Date): Pause[] => pauses.map((p) => (p.to ? p : { from: p.from, to: now }));

const ticketCursor = (order: TicketOrder) => (t: SupportTicket) => encodeCursor(data.keyOf(t, order));
const messageCursor = (m: Message) => encodeCursor({ c: m.createdAt.toISOString(), i: m.id });

export interface CreateTicketInput {
  subject: string;
  message: string;
  format?: MessageFormat | null;
  categoryId?: string | null;
  orderId?: string | null;
  eventId?: string | null;
  admissionTicketId?: string | null;
}

/**
 * Support tickets: opening (signed in, widget, import), the conversation, triage, status and
 * SLA bookkeeping, merging, satisfaction. Who may see a ticket: agents, its requester, and
 * whoever holds its visitor token; every entry point checks that before returning a ticket.
 */
export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Whether the caller may see this ticket (agents, the requester, its visitor token). */
  canSee(ctx: RequestContext, ticket: SupportTicket, visitorToken?: string | null): boolean {
    if (isAgent(ctx)) return true;
    if (ctx.viewer && ticket.requesterId === ctx.viewer.userId) return true;
    return !!visitorToken && !!ticket.visitorTokenHash && hashVisitorToken(visitorToken) === ticket.visitorTokenHash;
  }

  /** A ticket the caller may see, or null (absent and invisible look the same). */
  async get(
    ctx: RequestContext & { loaders: { ticketById: { load(id: string): Promise<SupportTicket | null> } } },
    id: string,
    visitorToken?: string | null,
  ): Promise<SupportTicket | null> {
    if (!valid.isUuid(id)) return null;
    const ticket = await ctx.loaders.ticketById.load(id.toLowerCase());
    return ticket && this.canSee(ctx, ticket, visitorToken) ? ticket : null;
  }

  private async category(field: string, id: string | null | undefined): Promise<string | null> {
    const categoryId = valid.optionalUuid(field, id);
    if (categoryId && (await findCategoriesByIds(this.deps.db, [categoryId])).length === 0)
      throw badInput(field, 'Unknown category');
    return categoryId;
  }

  private async policies(db: Db | Tx): Promise<Map<SupportPriority, SlaPolicy>> {
    return new Map((await db.slaPolicy.findMany()).map((p) => [p.priority, p]));
  }

  /** The stored SLA columns of a ticket after a change (`slaDueAt` for sorting, `slaBreached` sticky). */
  private slaColumns(
    ticket: Pick<SupportTicket, 'createdAt' | 'firstResponseAt' | 'resolvedAt' | 'priority' | 'slaBreached'>,
    pauses: Pause[],
    policy: SlaPolicy | undefined,
    now: Date,
  ) {
    if (!policy) return { slaDueAt: null, slaBreached: ticket.slaBreached, slaPauses: storePauses(pauses) };
    const state = slaState(this.deps.calendar, { ...ticket, pauses }, policy, now);
    return {
      slaDueAt: state.nextDueAt,
      slaBreached: ticket.slaBreached || state.breached,
      slaPauses: storePauses(pauses),
    };
  }

  /** `SupportTicket.sla` at the time of the request. */
  slaView(ticket: SupportTicket, policy: SlaPolicy | undefined): SupportSlaView {
    const targets = policy ?? { firstResponseMinutes: 0, resolutionMinutes: 0 };
    const s = slaState(this.deps.calendar, { ...ticket, pauses: pausesOf(ticket) }, targets, this.now());
    return {
      priority: ticket.priority,
      firstResponseDueAt: s.firstResponse.dueAt,
      firstResponseRemainingSeconds: s.firstResponse.remainingSeconds,
      resolutionDueAt: s.resolution.dueAt,
      resolutionRemainingSeconds: s.resolution.remainingSeconds,
      paused: s.paused,
      breached: ticket.slaBreached || s.breached,
    };
  }

  /**
   * Creates a ticket with its first message, assigns it to a free agent (if any), and emits
   * `SupportTicketCreated`, in one transaction; the agents' queue hears of it once committed.
   */
  private async open(
    fields: Omit<Prisma.SupportTicketUncheckedCreateInput, 'slaDueAt' | 'slaPauses' | 'assigneeId'>,
    message: {
      body: string;
      format: MessageFormat;
      authorKind: 'USER' | 'GUEST';
      authorId: string | null;
      authorName: string | null;
    },
  ): Promise<SupportTicket> {
    const now = this.now();
    const notices = new SupportNotices();
    const ticket = await this.deps.db.$transaction(async (tx) => {
      const policy = (await this.policies(tx)).get(fields.priority ?? 'NORMAL');
      const sla = this.slaColumns(
        {
          createdAt: now,
          firstResponseAt: null,
          resolvedAt: null,
          priority: fields.priority ?? 'NORMAL',
          slaBreached: false,
        },
        [],
        policy,
        now,
      );
      const assigneeId = await pickAgent(tx, now);
      const created = await data.createTicket(tx, {
        ...fields,
        createdAt: now,
        assigneeId,
        slaDueAt: sla.slaDueAt,
        slaPauses: sla.slaPauses,
      });
      await data.createMessage(tx, { ticketId: created.id, createdAt: now, ...message });
      await emit(tx, PRODUCER, 'SupportTicketCreated', {
        ticketId: created.id,
        number: created.number,
        requesterId: created.requesterId,
        channel: created.channel === 'WIDGET' ? 'WIDGET' : 'WEB',
        priority: created.priority,
        categoryId: created.categoryId,
        createdAt: now.toISOString(),
      });
      notices.ticketChanged(null, created);
      return created;
    });
    await this.deps.realtime.publish(notices);
    return ticket;
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
    return this.open(
      { subject, channel: 'WEB', categoryId, requesterId: userId, orderId, eventId, admissionTicketId },
      { body, format: input.format ?? 'PLAIN', authorKind: 'USER', authorId: userId, authorName: null },
    );
  }

  /** Refuses with RATE_LIMITED once this address or email opened too many widget tickets this hour. */
  private async checkWidgetLimits(ip: string, email: string, now: Date): Promise<void> {
    const { counter, widgetLimits } = this.deps;
    const retryAfter = WIDGET_WINDOW_SECONDS - (Math.floor(now.getTime() / 1000) % WIDGET_WINDOW_SECONDS);
    if ((await counter.hit(`widget:ip:${ip}`, WIDGET_WINDOW_SECONDS, now)) > widgetLimits.perIp) {
      throw rateLimited('Too many tickets from this address; try again later', retryAfter);
    }
    if ((await counter.hit(`widget:email:${email}`, WIDGET_WINDOW_SECONDS, now)) > widgetLimits.perEmail) {
      throw rateLimited('Too many tickets for this email; try again later', retryAfter);
    }
  }

  async createWidget(
    ctx: RequestContext,
    input: { name: string; email: string; subject: string; message: string },
  ): Promise<{ ticket: SupportTicket; visitorToken: string }> {
    const name = valid.text('input.name', input.name, { min: 1, max: 120 });
    const email = valid.email('input.email', input.email);
    const subject = valid.text('input.subject', input.subject, { min: 1, max: 200 });
    const body = valid.body('input.message', input.message);
    await this.checkWidgetLimits(ctx.clientIp, email, this.now());
    // 256 random bits; only the hash is stored, so a database leak gives no access.
    const visitorToken = randomBytes(32).toString('base64url');
    const ticket = await this.open(
      {
        subject,
        channel: 'WIDGET',
        guestName: name,
        guestEmail: email,
        visitorTokenHash: hashVisitorToken(visitorToken),
        requesterId: ctx.viewer?.userId ?? null,
      },
      { body, format: 'PLAIN', authorKind: 'GUEST', authorId: null, authorName: name },
    );
    return { ticket, visitorToken };
  }

  async reply(
    ctx: RequestContext,
    input: { ticketId: string; body: string; format?: MessageFormat | null; internal?: boolean | null },
    visitorToken?: string | null,
  ): Promise<Message> {
    const ticketId = valid.uuid('input.ticketId', input.ticketId);
    const body = valid.body('input.body', input.body);
    const agent = isAgent(ctx);
    if (input.internal && !agent) throw forbidden('Only agents write internal notes');
    const now = this.now();
    const notices = new SupportNotices();
    const message = await this.deps.db.$transaction(async (tx) => {
      const ticket = await data.lockTicket(tx, ticketId);
      if (!ticket || !this.canSee(ctx, ticket, visitorToken)) throw notFound('Support ticket');
      if (ticket.mergedIntoId) throw conflict('This ticket was merged into another one; reply there', 'input.ticketId');
      // The requester (or visitor) speaks as the customer, even if they also hold the AGENT role.
      const asCustomer = !agent || ticket.requesterId === ctx.viewer?.userId;
      const changes: Prisma.SupportTicketUncheckedUpdateInput = {};
      let pauses = pausesOf(ticket);
      let { status, firstResponseAt, resolvedAt } = ticket;
      if (asCustomer) {
        if (
          status === 'CLOSED' ||
          (status === 'RESOLVED' && now.getTime() - ticket.resolvedAt!.getTime() > REOPEN_WINDOW_MS)
        ) {
          throw conflict('This ticket is closed; open a new one', 'input.ticketId');
        }
        if (status === 'RESOLVED') {
          // Reopened: the time it spent resolved does not count against the SLA.
          pauses = [...pauses, { from: ticket.resolvedAt!, to: now }];
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
      Object.assign(changes, { status, firstResponseAt, resolvedAt });
      const policy = (await this.policies(tx)).get(ticket.priority);
      Object.assign(changes, this.slaColumns({ ...ticket, firstResponseAt, resolvedAt }, pauses, policy, now));
      notices.ticketChanged(ticket, await data.updateTicket(tx, ticket.id, changes));
      const viewerIsUser = !!ctx.viewer && (!visitorToken || ticket.requesterId === ctx.viewer.userId || agent);
      const created = await data.createMessage(tx, {
        ticketId: ticket.id,
        createdAt: now,
        body,
        format: input.format ?? 'PLAIN',
        internal: !!input.internal,
        authorKind: viewerIsUser ? 'USER' : 'GUEST',
        authorId: viewerIsUser ? ctx.viewer!.userId : null,
        authorName: viewerIsUser ? null : ticket.guestName,
      });
      notices.messageAdded(created);
      return created;
    });
    await this.deps.realtime.publish(notices);
    return message;
  }

  async assign(_ctx: RequestContext, ticketId: string, assigneeId: string | null | undefined): Promise<SupportTicket> {
    const id = valid.uuid('ticketId', ticketId);
    const agentId = valid.optionalUuid('assigneeId', assigneeId);
    if (agentId && !(await this.deps.directory.isAgent(agentId)))
      throw badInput('assigneeId', 'The assignee must be an active AGENT');
    const notices = new SupportNotices();
    const assigned = await this.deps.db.$transaction(async (tx) => {
      const ticket = await data.lockTicket(tx, id);
      if (!ticket) throw notFound('Support ticket');
      const updated = await data.updateTicket(tx, id, { assigneeId: agentId });
      notices.ticketChanged(ticket, updated);
      return updated;
    });
    await this.deps.realtime.publish(notices);
    return assigned;
  }

  async setStatus(_ctx: RequestContext, ticketId: string, status: SupportTicketStatus): Promise<SupportTicket> {
    const id = valid.uuid('ticketId', ticketId);
    if (status === 'NEW') throw badInput('status', 'A ticket cannot go back to NEW');
    const now = this.now();
    const notices = new SupportNotices();
    const changed = await this.deps.db.$transaction(async (tx) => {
      const ticket = await data.lockTicket(tx, id);
      if (!ticket) throw notFound('Support ticket');
      if (ticket.status === status) return ticket;
      if (ticket.status === 'CLOSED') throw conflict('A closed ticket cannot change status', 'status');
      let pauses = pausesOf(ticket);
      let resolvedAt = ticket.resolvedAt;
      const wasPaused = PAUSED.includes(ticket.status);
      if (wasPaused) pauses = closePause(pauses, now);
      if (ticket.status === 'RESOLVED') {
        // Reopened by an agent: the resolved period is a pause of the clocks.
        pauses = [...pauses, { from: ticket.resolvedAt!, to: now }];
        resolvedAt = null;
      }
      if (PAUSED.includes(status)) pauses = [...pauses, { from: now, to: null }];
      if (status === 'RESOLVED' || (status === 'CLOSED' && !resolvedAt)) resolvedAt = now;
      const policy = (await this.policies(tx)).get(ticket.priority);
      const sla = this.slaColumns({ ...ticket, resolvedAt }, pauses, policy, now);
      const updated = await data.updateTicket(tx, id, {
        status,
        resolvedAt,
        closedAt: status === 'CLOSED' ? now : null,
        ...sla,
      });
      if (status === 'RESOLVED') await this.emitResolved(tx, updated);
      notices.ticketChanged(ticket, updated);
      return updated;
    });
    await this.deps.realtime.publish(notices);
    return changed;
  }

  private emitResolved(tx: Tx, t: SupportTicket): Promise<string> {
    return emit(tx, PRODUCER, 'SupportTicketResolved', {
      ticketId: t.id,
      number: t.number,
      requesterId: t.requesterId,
      assigneeId: t.assigneeId,
      resolvedAt: t.resolvedAt!.toISOString(),
      firstResponseAt: t.firstResponseAt?.toISOString() ?? null,
      slaBreached: t.slaBreached,
      satisfaction: t.rating ? { rating: t.rating, comment: t.ratingComment } : null,
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
    const now = this.now();
    const notices = new SupportNotices();
    const updated = await this.deps.db.$transaction(async (tx) => {
      const ticket = await data.lockTicket(tx, id);
      if (!ticket) throw notFound('Support ticket');
      const priority = input.priority ?? ticket.priority;
      const policy = (await this.policies(tx)).get(priority);
      const sla = this.slaColumns({ ...ticket, priority }, pausesOf(ticket), policy, now);
      const after = await data.updateTicket(tx, id, { priority, categoryId, tags, ...sla });
      notices.ticketChanged(ticket, after);
      return after;
    });
    await this.deps.realtime.publish(notices);
    return updated;
  }

  async merge(_ctx: RequestContext, sourceId: string, targetId: string): Promise<SupportTicket> {
    const source = valid.uuid('sourceId', sourceId);
    const target = valid.uuid('targetId', targetId);
    if (source === target) throw badInput('targetId', 'A ticket cannot be merged into itself');
    const now = this.now();
    const notices = new SupportNotices();
    const merged = await this.deps.db.$transaction(async (tx) => {
      // Lock in id order, so two merges of the same pair cannot deadlock.
      const [a, b] = [source, target].sort();
      const locked = new Map([
        [a!, await data.lockTicket(tx, a!)],
        [b!, await data.lockTicket(tx, b!)],
      ]);
      const from = locked.get(source);
      const into = locked.get(target);
      if (!from) throw badInput('sourceId', 'Unknown support ticket');
      if (!into) throw badInput('targetId', 'Unknown support ticket');
      if (from.mergedIntoId) throw conflict(`#${from.number} is already merged`, 'sourceId');
      if (into.mergedIntoId || into.status === 'CLOSED') throw conflict(`#${into.number} is closed`, 'targetId');
      const closed = await data.updateTicket(tx, from.id, {
        mergedIntoId: into.id,
        status: 'CLOSED',
        closedAt: now,
        resolvedAt: from.resolvedAt ?? now,
        slaDueAt: null,
        slaPauses: storePauses(closePause(pausesOf(from), now)),
      });
      const note = {
        createdAt: now,
        body: `#${from.number} was merged into #${into.number}.`,
        authorKind: 'SYSTEM' as const,
        internal: false,
      };
      notices.ticketChanged(from, closed);
      notices.messageAdded(await data.createMessage(tx, { ...note, ticketId: from.id }));
      notices.messageAdded(await data.createMessage(tx, { ...note, ticketId: into.id }));
      return data.updateTicket(tx, into.id, { tags: [...new Set([...into.tags, ...from.tags])] });
    });
    await this.deps.realtime.publish(notices);
    return merged;
  }

  async rate(
    ctx: RequestContext,
    input: { ticketId: string; rating: number; comment?: string | null },
    visitorToken?: string | null,
  ): Promise<SupportTicket> {
    const id = valid.uuid('input.ticketId', input.ticketId);
    const rating = valid.intBetween('input.rating', input.rating, 1, 5);
    const comment = valid.optionalText('input.comment', input.comment, 2000);
    const now = this.now();
    return this.deps.db.$transaction(async (tx) => {
      const ticket = await data.lockTicket(tx, id);
      const isRequester =
        !!ticket &&
        ((ctx.viewer && ticket.requesterId === ctx.viewer.userId) ||
          (!!visitorToken && hashVisitorToken(visitorToken) === ticket.visitorTokenHash));
      if (!ticket || !this.canSee(ctx, ticket, visitorToken)) throw notFound('Support ticket');
      if (!isRequester) throw forbidden('Only the requester rates a ticket');
      if (ticket.status !== 'RESOLVED' && ticket.status !== 'CLOSED')
        throw conflict('Only a resolved ticket can be rated', 'input.ticketId');
      if (ticket.rating) throw conflict('This ticket was already rated', 'input.ticketId');
      const updated = await data.updateTicket(tx, id, { rating, ratingComment: comment, ratedAt: now });
      if (updated.resolvedAt) await this.emitResolved(tx, updated);
      return updated;
    });
  }

  /** Links the unclaimed widget tickets opened with the caller's account email to the caller. */
  async claim(ctx: RequestContext): Promise<SupportTicket[]> {
    if (!ctx.viewer) throw unauthenticated();
    const email = await this.deps.directory.emailOf(ctx.viewer.userId);
    if (!email) return [];
    const userId = ctx.viewer.userId;
    return this.deps.db.$transaction(async (tx) => {
      const tickets = await data.findUnclaimedGuestTickets(tx, email);
      await tx.supportTicket.updateMany({
        where: { id: { in: tickets.map((t) => t.id) }, requesterId: null },
        data: { requesterId: userId },
      });
      return tickets.map((t) => ({ ...t, requesterId: userId }));
    });
  }

  /** The agents' queue, or (with `scope`) the tickets of a requester, order or event the caller may see. */
  async list(
    ctx: RequestContext,
    args: {
      filter?: TicketListFilter | null;
      orderBy?: TicketOrder | null;
      first?: number | null;
      after?: string | null;
    },
    scope: Pick<TicketListFilter, 'requesterId' | 'orderId' | 'eventId'> = {},
  ): Promise<Connection<SupportTicket>> {
    const first = pageSize(args.first);
    const order = args.orderBy ?? 'SLA_DUE_AT';
    const filter: TicketListFilter = { ...(args.filter ?? {}), ...scope };
    if (filter.search && filter.search.length > 200) throw badInput('filter.search', 'filter.search is too long');
    for (const f of ['assigneeId', 'categoryId'] as const) {
      const value = filter[f];
      if (value) filter[f] = valid.uuid(`filter.${f}`, value);
    }
    // Outside the agents' queue, a customer sees only their own tickets.
    if (!isAgent(ctx) && !scope.requesterId)
      filter.requesterId = ctx.viewer?.userId ?? '00000000-0000-0000-0000-000000000000';
    const cursor = decodeCursor(args.after, ['at', 'id']);
    if (cursor && (!valid.isUuid(cursor.id) || (cursor.at !== '' && Number.isNaN(Date.parse(cursor.at))))) {
      throw badInput('after', 'after is not a cursor from this list');
    }
    const now = this.now();
    const [rows, total] = await Promise.all([
      data.listTickets(this.deps.db, filter, order, cursor, first + 1, now),
      data.countTickets(this.deps.db, filter, now),
    ]);
    return toConnection(rows, first, total, ticketCursor(order));
  }

  /** The conversation of a ticket and of those merged into it; internal notes only for agents. */
  async messages(
    ctx: RequestContext,
    ticket: SupportTicket,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<Message>> {
    const first = pageSize(args.first);
    const cursor = decodeCursor(args.after, ['c', 'i']);
    const after = cursor ? { createdAt: new Date(cursor.c), id: cursor.i } : undefined;
    if (after && (Number.isNaN(after.createdAt.getTime()) || !valid.isUuid(after.id)))
      throw badInput('after', 'after is not a cursor from this list');
    const ids = [ticket.id];
    // Merges form a tree rooted here; walk it level by level (merges are rare and shallow).
    for (let level = [ticket.id]; level.length > 0 && ids.length < 1000;) {
      level = (await data.mergedInto(this.deps.db, level)).map((r) => r.id).filter((id) => !ids.includes(id));
      ids.push(...level);
    }
    const internal = isAgent(ctx);
    const [rows, total] = await Promise.all([
      data.listMessages(this.deps.db, ids, internal, after, first + 1),
      data.countMessages(this.deps.db, ids, internal),
    ]);
    return toConnection(rows, first, total, messageCursor);
  }
}
