/** Data access for `support.tickets` and `support.messages`. Functions take a `Db` or a transaction client. */
import type {
  Message,
  MessageAuthorKind,
  MessageFormat,
  Prisma,
  SupportPriority,
  SupportTicket,
  SupportTicketStatus,
} from '../../../../prisma/generated/prisma/client';
import { likeLiteral, type Db, type Tx } from '../../../../shared/db';

export type { Message, MessageAuthorKind, MessageFormat, SupportPriority, SupportTicket, SupportTicketStatus };

export interface TicketListFilter {
  status?: SupportTicketStatus | null;
  assigneeId?: string | null;
  priority?: SupportPriority | null;
  categoryId?: string | null;
  breached?: boolean | null;
  search?: string | null;
  requesterId?: string;
  orderId?: string;
  eventId?: string;
}

/** The columns a new ticket is created with. */
export type NewTicket = Prisma.SupportTicketUncheckedCreateInput;
/** The columns a change of a ticket sets (absent ones stay). */
export type TicketUpdate = Prisma.SupportTicketUncheckedUpdateInput;
/** The columns of a new message. */
export type NewMessage = Prisma.MessageUncheckedCreateInput;

export type TicketOrder = 'SLA_DUE_AT' | 'CREATED_AT_DESC';
/** Keyset position: the sort value (`null` for a ticket with no due time, in SLA order) and the id. */
export type TicketKey = { at: Date | null; id: string };

export function findTicketsByIds(db: Db | Tx, ids: readonly string[]): Promise<SupportTicket[]> {
  return db.supportTicket.findMany({ where: { id: { in: [...ids] } } });
}

export function findTicket(db: Db | Tx, id: string): Promise<SupportTicket | null> {
  return db.supportTicket.findUnique({ where: { id } });
}

/** Reads a ticket and locks its row until the transaction ends (status changes serialise on it). */
export async function lockTicket(tx: Tx, id: string): Promise<SupportTicket | null> {
  await tx.$queryRaw`SELECT id FROM support.tickets WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.supportTicket.findUnique({ where: { id } });
}

export function createTicket(db: Db | Tx, data: NewTicket): Promise<SupportTicket> {
  return db.supportTicket.create({ data });
}

export function updateTicket(db: Db | Tx, id: string, data: TicketUpdate): Promise<SupportTicket> {
  return db.supportTicket.update({ where: { id }, data });
}

export function findBySourceId(db: Db | Tx, source: string, externalId: string): Promise<SupportTicket | null> {
  return db.supportTicket.findUnique({ where: { source_externalId: { source, externalId } } });
}

/** Makes these tickets the user's, those still unclaimed (a concurrent claim keeps its own). */
export async function claimTickets(tx: Tx, ids: string[], userId: string): Promise<void> {
  await tx.supportTicket.updateMany({ where: { id: { in: ids }, requesterId: null }, data: { requesterId: userId } });
}

/** Guest tickets opened with this email and not yet claimed by a user. */
export function findUnclaimedGuestTickets(db: Db | Tx, email: string): Promise<SupportTicket[]> {
  return db.supportTicket.findMany({ where: { guestEmail: email, requesterId: null }, orderBy: { createdAt: 'asc' } });
}

/** The unclaimed guest ticket this visitor token opens (none or one). */
export function findUnclaimedGuestTicketsByToken(db: Db | Tx, visitorTokenHash: string): Promise<SupportTicket[]> {
  return db.supportTicket.findMany({ where: { visitorTokenHash, requesterId: null } });
}

function whereOf(filter: TicketListFilter, now: Date): Prisma.SupportTicketWhereInput {
  const and: Prisma.SupportTicketWhereInput[] = [];
  if (filter.status) and.push({ status: filter.status });
  if (filter.assigneeId) and.push({ assigneeId: filter.assigneeId });
  if (filter.priority) and.push({ priority: filter.priority });
  if (filter.categoryId) and.push({ categoryId: filter.categoryId });
  if (filter.requesterId) and.push({ requesterId: filter.requesterId });
  if (filter.orderId) and.push({ orderId: filter.orderId });
  if (filter.eventId) and.push({ eventId: filter.eventId });
  if (filter.breached === true) and.push({ OR: [{ slaBreached: true }, { slaDueAt: { lt: now } }] });
  if (filter.breached === false) and.push({ slaBreached: false, OR: [{ slaDueAt: null }, { slaDueAt: { gte: now } }] });
  if (filter.search) {
    const number = /^#?(\d{1,9})$/.exec(filter.search.trim());
    and.push({
      OR: [
        { subject: { contains: likeLiteral(filter.search), mode: 'insensitive' } },
        ...(number ? [{ number: Number(number[1]) }] : []),
      ],
    });
  }
  return { AND: and };
}

/** Rows strictly after `key` in the order. SLA order: due time ascending, no due time last, then id. */
function afterKey(key: TicketKey, order: TicketOrder): Prisma.SupportTicketWhereInput {
  const { at, id } = key;
  // Only SLA order has rows without a sort value: those with no due time, last.
  if (!at) return { slaDueAt: null, id: { gt: id } };
  if (order === 'CREATED_AT_DESC') return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] };
  return { OR: [{ slaDueAt: { gt: at } }, { slaDueAt: at, id: { gt: id } }, { slaDueAt: null }] };
}

export function listTickets(
  db: Db | Tx,
  filter: TicketListFilter,
  order: TicketOrder,
  after: TicketKey | undefined,
  take: number,
  now: Date,
): Promise<SupportTicket[]> {
  const where = whereOf(filter, now);
  return db.supportTicket.findMany({
    where: after ? { AND: [where, afterKey(after, order)] } : where,
    orderBy:
      order === 'SLA_DUE_AT'
        ? [{ slaDueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }]
        : [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
}

export function countTickets(db: Db | Tx, filter: TicketListFilter, now: Date): Promise<number> {
  return db.supportTicket.count({ where: whereOf(filter, now) });
}

export function createMessage(db: Db | Tx, data: NewMessage): Promise<Message> {
  return db.message.create({ data });
}

/** Imported messages: (ticketId, externalId) already present are skipped. */
export async function createMessagesSkippingExisting(
  db: Db | Tx,
  data: Prisma.MessageCreateManyInput[],
): Promise<number> {
  const { count } = await db.message.createMany({ data, skipDuplicates: true });
  return count;
}

/**
 * A page of the messages of these tickets (a ticket and those merged into it), oldest first.
 * `includeInternal` false leaves agents' notes out of the query itself, so they never leave the database.
 */
export function listMessages(
  db: Db | Tx,
  ticketIds: string[],
  includeInternal: boolean,
  after: { createdAt: Date; id: string } | undefined,
  take: number,
): Promise<Message[]> {
  const where: Prisma.MessageWhereInput = {
    ticketId: { in: ticketIds },
    ...(includeInternal ? {} : { internal: false }),
  };
  return db.message.findMany({
    where: after
      ? {
          AND: [
            where,
            { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] },
          ],
        }
      : where,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take,
  });
}

export function countMessages(db: Db | Tx, ticketIds: string[], includeInternal: boolean): Promise<number> {
  return db.message.count({ where: { ticketId: { in: ticketIds }, ...(includeInternal ? {} : { internal: false }) } });
}

/** Ids of the tickets merged into each of these tickets (directly). */
export async function mergedInto(db: Db | Tx, ids: readonly string[]): Promise<{ id: string; mergedIntoId: string }[]> {
  const rows = await db.supportTicket.findMany({
    where: { mergedIntoId: { in: [...ids] } },
    select: { id: true, mergedIntoId: true },
  });
  return rows.map((r) => ({ id: r.id, mergedIntoId: r.mergedIntoId! }));
}

/**
 * Tickets past their SLA due time and not yet marked breached (oldest due first): what the
 * breach sweeper looks at. A paused or resolved ticket has no due time, so it is not among them.
 */
export async function findOverdueUnbreached(db: Db | Tx, now: Date, take: number): Promise<string[]> {
  const rows = await db.supportTicket.findMany({
    where: { slaBreached: false, slaDueAt: { lt: now }, status: { notIn: ['RESOLVED', 'CLOSED'] } },
    orderBy: [{ slaDueAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
    take,
  });
  return rows.map((r) => r.id);
}
