/** Data access for `tickets.tickets` and `tickets.check_ins`. */
import { Prisma, type CheckIn, type Ticket } from '../../../../prisma/generated/prisma/client';
import { isUniqueViolation, type Db, type Tx } from '../../../../shared/db';
import { emitSql } from '../../../../shared/events/outbox';
import { countCheckInSql } from './events';

export type { CheckIn, Ticket };

export function findTicketsByIds(db: Db | Tx, ids: readonly string[]): Promise<Ticket[]> {
  return db.ticket.findMany({ where: { id: { in: [...ids] } } });
}

export function findTicketById(db: Db | Tx, id: string): Promise<Ticket | null> {
  return db.ticket.findUnique({ where: { id } });
}

/** The tickets of these orders, each order's in (orderLineId, seatIndex) order. */
export function findTicketsByOrderIds(db: Db | Tx, orderIds: readonly string[]): Promise<Ticket[]> {
  return db.ticket.findMany({
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ orderLineId: 'asc' }, { seatIndex: 'asc' }],
  });
}

/** One page of a holder's tickets in (issuedAt, id) order, after the given key. */
export function listTicketsOfHolder(
  db: Db | Tx,
  holderId: string,
  after: { issuedAt: Date; id: string } | undefined,
  take: number,
): Promise<Ticket[]> {
  const where: Prisma.TicketWhereInput = after
    ? { holderId, OR: [{ issuedAt: { gt: after.issuedAt } }, { issuedAt: after.issuedAt, id: { gt: after.id } }] }
    : { holderId };
  return db.ticket.findMany({ where, orderBy: [{ issuedAt: 'asc' }, { id: 'asc' }], take });
}

export function countTicketsOfHolder(db: Db | Tx, holderId: string): Promise<number> {
  return db.ticket.count({ where: { holderId } });
}

/** Tickets of a type that were issued and not voided (they hold capacity). */
export function countLiveTicketsOfType(db: Db | Tx, ticketTypeId: string): Promise<number> {
  return db.ticket.count({ where: { ticketTypeId, status: { not: 'VOIDED' } } });
}

/**
 * Issues seats `0 .. quantity-1` of an order line. Seats that exist already are skipped (the
 * unique (order_line_id, seat_index) decides), so issuing a line twice creates nothing more.
 * Returns the tickets created (none for seats that existed).
 */
export function issueSeats(
  tx: Tx,
  line: {
    eventId: string;
    ticketTypeId: string;
    holderId: string;
    orderId: string;
    orderLineId: string;
    quantity: number;
    issuedAt: Date;
  },
): Promise<Ticket[]> {
  const { quantity, ...common } = line;
  return tx.ticket.createManyAndReturn({
    data: Array.from({ length: quantity }, (_, seatIndex) => ({ ...common, seatIndex })),
    skipDuplicates: true,
  });
}

/**
 * Voids `quantity` live tickets of an order line: VALID ones first (highest seats first), then
 * CHECKED_IN ones. A refunded unit returns its seat to sale in orders, so the ticket must die
 * even if it was scanned; otherwise the seat would be sold twice. Returns how many were voided.
 */
/** A ticket `voidSeats` voided, with whether it had been checked in. */
export interface VoidedSeat {
  id: string;
  eventId: string;
  orderId: string;
  holderId: string;
  wasCheckedIn: boolean;
}

export async function voidSeats(tx: Tx, orderLineId: string, quantity: number, at: Date): Promise<VoidedSeat[]> {
  const rows = await tx.$queryRaw<
    { id: string; event_id: string; order_id: string; holder_id: string; previous: string }[]
  >`
    WITH picked AS (
      SELECT id, status FROM tickets.tickets
      WHERE order_line_id = ${orderLineId}::uuid AND status <> 'VOIDED'
      ORDER BY (status = 'VALID') DESC, seat_index DESC LIMIT ${quantity}
      FOR UPDATE
    )
    UPDATE tickets.tickets t SET status = 'VOIDED', voided_at = ${at}
    FROM picked WHERE t.id = picked.id AND t.status <> 'VOIDED'
    RETURNING t.id, t.event_id, t.order_id, t.holder_id, picked.status::text AS previous`;
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    orderId: r.order_id,
    holderId: r.holder_id,
    wasCheckedIn: r.previous === 'CHECKED_IN',
  }));
}

/** A `tickets.tickets` row as `to_jsonb` writes it. */
interface TicketJson {
  id: string;
  event_id: string;
  ticket_type_id: string;
  holder_id: string;
  order_id: string;
  order_line_id: string;
  seat_index: number;
  status: Ticket['status'];
  issued_at: string;
  checked_in_at: string | null;
  voided_at: string | null;
}

const ticketOfJson = (t: TicketJson): Ticket => ({
  id: t.id,
  eventId: t.event_id,
  ticketTypeId: t.ticket_type_id,
  holderId: t.holder_id,
  orderId: t.order_id,
  orderLineId: t.order_line_id,
  seatIndex: t.seat_index,
  status: t.status,
  issuedAt: new Date(t.issued_at),
  checkedInAt: t.checked_in_at === null ? null : new Date(t.checked_in_at),
  voidedAt: t.voided_at === null ? null : new Date(t.voided_at),
});

/**
 * Accepts one scan of a ticket at its event, in one SQL statement (so one round trip, and no
 * transaction held open across round trips): VALID → CHECKED_IN, the scan recorded under its
 * nonce, the event's count of accepted scans one higher on the shard the ticket hashes to (see
 * `CHECK_IN_COUNT_SHARDS`), and `TicketCheckedIn` in the outbox. Returns the checked-in ticket,
 * or `null` when the scan was not accepted: the ticket is not VALID (or not of this event), or
 * the nonce was taken meanwhile by a concurrent scan (its unique key), in which case the
 * statement fails whole and nothing of this scan is kept.
 *
 * The race-free part is the conditional UPDATE (never a read first): concurrent statements for
 * one ticket wait for the winner's row lock, re-check `status = 'VALID'` and change nothing, and
 * every other part of the statement writes one row per row that UPDATE returned.
 */
export async function acceptCheckIn(
  db: Db,
  scan: { ticketId: string; eventId: string; nonce: string; scannerId: string; at: Date },
): Promise<Ticket | null> {
  try {
    const [row] = await db.$queryRaw<{ ticket: TicketJson | null }[]>`
      WITH ticket AS (
        UPDATE tickets.tickets SET status = 'CHECKED_IN', checked_in_at = ${scan.at}
        WHERE id = ${scan.ticketId}::uuid AND event_id = ${scan.eventId}::uuid AND status = 'VALID'
        RETURNING *
      ), scan AS (
        INSERT INTO tickets.check_ins (id, ticket_id, nonce, scanner_id, checked_in_at)
        SELECT gen_random_uuid(), id, ${scan.nonce}, ${scan.scannerId}::uuid, ${scan.at} FROM ticket
      ), counted AS (
        ${countCheckInSql(Prisma.sql`ticket`)}
      )
      ${emitSql(
        'tickets',
        'TicketCheckedIn',
        {
          ticketId: Prisma.sql`id`,
          eventId: Prisma.sql`event_id`,
          orderId: Prisma.sql`order_id`,
          holderId: Prisma.sql`holder_id`,
          checkedInAt: Prisma.sql`${scan.at.toISOString()}::text`,
        },
        Prisma.sql`ticket`,
      )}
      RETURNING (SELECT to_jsonb(ticket) FROM ticket) AS ticket`;
    return row?.ticket ? ticketOfJson(row.ticket) : null;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export function findCheckInByNonce(db: Db | Tx, nonce: string): Promise<CheckIn | null> {
  return db.checkIn.findUnique({ where: { nonce } });
}
