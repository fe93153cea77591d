/** Data access for `tickets.events` and `tickets.event_scanners`. */
import type { Event, EventStatus, Prisma } from '../../../../prisma/generated/prisma/client';
import { likeLiteral, type Db, type Tx } from '../../../../shared/db';

export type { Event, EventStatus };

export interface EventListFilter {
  search?: string;
  city?: string;
  from?: Date;
  to?: Date;
  organizerId?: string;
}

export function findEventsByIds(db: Db | Tx, ids: readonly string[]): Promise<Event[]> {
  return db.event.findMany({ where: { id: { in: [...ids] } } });
}

/**
 * The event, row-locked until the transaction ends: status changes and ticket-type edits of
 * one event are serialized, so each emitted TicketTypeChanged carries the status that
 * committed with it.
 */
export async function lockEvent(tx: Tx, id: string): Promise<Event | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tickets.events WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length ? tx.event.findUnique({ where: { id } }) : null;
}

/**
 * Counts one more accepted scan of the event and returns the new count. Called in the
 * transaction that accepts the scan (after the ticket's row), so counts are consecutive in
 * commit order: the row lock serializes the accepting transactions of one event.
 */
export async function countCheckIn(tx: Tx, eventId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ checked_in_count: number }[]>`
    UPDATE tickets.events SET checked_in_count = checked_in_count + 1 WHERE id = ${eventId}::uuid RETURNING checked_in_count`;
  return rows[0]!.checked_in_count;
}

export function createEvent(db: Db | Tx, data: Prisma.EventUncheckedCreateInput): Promise<Event> {
  return db.event.create({ data });
}

export function updateEvent(db: Db | Tx, id: string, data: Prisma.EventUncheckedUpdateInput): Promise<Event> {
  return db.event.update({ where: { id }, data });
}

function whereOf(filter: EventListFilter): Prisma.EventWhereInput {
  return {
    status: 'PUBLISHED',
    ...(filter.search ? { title: { contains: likeLiteral(filter.search), mode: 'insensitive' } } : {}),
    ...(filter.city ? { venueCity: { equals: likeLiteral(filter.city), mode: 'insensitive' } } : {}),
    ...(filter.from || filter.to
      ? { startsAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lte: filter.to }) } }
      : {}),
    ...(filter.organizerId ? { organizerId: filter.organizerId } : {}),
  };
}

/** One page of published events in (startsAt, id) order, after the given key; `take` rows at most. */
export function listPublishedEvents(
  db: Db | Tx,
  filter: EventListFilter,
  after: { startsAt: Date; id: string } | undefined,
  take: number,
): Promise<Event[]> {
  const where = whereOf(filter);
  return db.event.findMany({
    where: after
      ? {
          AND: [
            where,
            { OR: [{ startsAt: { gt: after.startsAt } }, { startsAt: after.startsAt, id: { gt: after.id } }] },
          ],
        }
      : where,
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take,
  });
}

export function countPublishedEvents(db: Db | Tx, filter: EventListFilter): Promise<number> {
  return db.event.count({ where: whereOf(filter) });
}

/** Assigns door staff; assigning twice changes nothing. */
export async function assignScanner(db: Db | Tx, eventId: string, userId: string, assignedBy: string): Promise<void> {
  await db.eventScanner.upsert({
    where: { eventId_userId: { eventId, userId } },
    create: { eventId, userId, assignedBy },
    update: {},
  });
}

/** Which of the (eventId, userId) pairs are door-staff assignments. */
export async function findScannerAssignments(
  db: Db | Tx,
  pairs: readonly { eventId: string; userId: string }[],
): Promise<{ eventId: string; userId: string }[]> {
  return db.eventScanner.findMany({
    where: { OR: pairs.map((p) => ({ eventId: p.eventId, userId: p.userId })) },
    select: { eventId: true, userId: true },
  });
}
