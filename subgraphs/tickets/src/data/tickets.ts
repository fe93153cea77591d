/** Data access for `tickets.tickets` and `tickets.check_ins`. */
import type { CheckIn, Prisma, Ticket } from '../../../../prisma/generated/prisma/client';
import { inTransaction, isUniqueViolation, type Db, type Tx } from '../../../../shared/db';
import { countCheckIn } from './events';

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

/**
 * Accepts one scan of a ticket at its event, in one transaction: VALID → CHECKED_IN, the scan
 * recorded under its nonce, and the event's count of accepted scans one higher (last, see
 * `countCheckIn`). Returns the checked-in ticket, or `null` when the scan was not accepted: the
 * ticket is not VALID (or not of this event), or the nonce was taken meanwhile by a concurrent
 * scan (its unique key), in which case nothing of this scan is kept.
 *
 * The race-free part is `markCheckedIn`: of any number of concurrent calls for one ticket,
 * exactly one gets the row back.
 */
export async function acceptCheckIn(
  db: Db,
  scan: { ticketId: string; eventId: string; nonce: string; scannerId: string; at: Date },
  /** Runs in the accepting transaction (the domain announces the check-in there). */
  onAccepted: (tx: Tx, ticket: Ticket) => Promise<void>,
): Promise<Ticket | null> {
  try {
    return await inTransaction(db, async (tx) => {
      const ticket = await markCheckedIn(tx, scan.ticketId, scan.eventId, scan.at);
      if (!ticket) return null;
      await tx.checkIn.create({
        data: { ticketId: ticket.id, nonce: scan.nonce, scannerId: scan.scannerId, checkedInAt: scan.at },
      });
      await onAccepted(tx, ticket);
      await countCheckIn(tx, scan.eventId, ticket.id);
      return ticket;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/**
 * VALID → CHECKED_IN in one conditional UPDATE, returning the row. Concurrent callers for one
 * ticket wait for the winner's row lock, re-check `status = 'VALID'`, and get `null`.
 */
async function markCheckedIn(tx: Tx, ticketId: string, eventId: string, at: Date): Promise<Ticket | null> {
  // The guarantee rests on this being one UPDATE with the status condition (never a read first).
  const [ticket] = await tx.ticket.updateManyAndReturn({
    where: { id: ticketId, eventId, status: 'VALID' },
    data: { status: 'CHECKED_IN', checkedInAt: at },
  });
  return ticket ?? null;
}

export function findCheckInByNonce(db: Db | Tx, nonce: string): Promise<CheckIn | null> {
  return db.checkIn.findUnique({ where: { nonce } });
}
