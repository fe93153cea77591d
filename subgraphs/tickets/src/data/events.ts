/** Data access for `tickets.events` and `tickets.event_scanners`. */
import { Prisma, type Event, type EventStatus } from '../../../../prisma/generated/prisma/client';
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
 * Shards of an event's check-in count (a power of two: the shard is the low bits of a hash). A
 * scan's transaction holds its shard's row lock until it commits, so with one row every scan of
 * an event waited for the one before; with 32, two concurrent scans meet on a row about once in 32.
 */
const CHECK_IN_COUNT_SHARDS = 32;

/**
 * Counts one more accepted scan of the event per row of `scans` (a CTE with the tickets'
 * `id` and `event_id`), each on the shard its ticket's id hashes to: an INSERT for a CTE of
 * the accepting statement, whose shard rows stay locked only until that statement commits.
 */
export function countCheckInSql(scans: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO tickets.event_check_in_counts (event_id, shard, count)
    SELECT event_id, hashtext(id::text) & ${CHECK_IN_COUNT_SHARDS - 1}, 1 FROM ${scans}
    ON CONFLICT (event_id, shard) DO UPDATE SET count = tickets.event_check_in_counts.count + 1`;
}

/** Each event's accepted scans: every committed count, summed over the shards (0 for none). */
export async function checkedInCounts(db: Db | Tx, eventIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ event_id: string; n: number }[]>`
    SELECT event_id::text AS event_id, SUM(count)::int AS n FROM tickets.event_check_in_counts
    WHERE event_id = ANY(${eventIds}::uuid[]) GROUP BY event_id`;
  return new Map(rows.map((r) => [r.event_id, r.n]));
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
