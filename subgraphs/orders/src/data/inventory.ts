import type { Stock, StockMovementKind, TicketTypeCopy } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

/**
 * The capacity counters: ticket types (`capacity - held - sold`) and stock (`on_hand - held`).
 *
 * Every reservation is ONE conditional UPDATE that succeeds only if enough remains, so two
 * checkouts can never both take the last unit (the row lock serializes them and the second
 * re-checks the condition on the committed row). Never read a counter and write it back.
 *
 * Lock order, to keep concurrent transactions from deadlocking: order rows first (by id), then
 * stock rows by (product id, warehouse id), then ticket-type rows by id, and last the product
 * rows whose stock changed, by id (`lockStockStates`, for StockChanged). Ticket types come late
 * because one on-sale's checkouts all queue for one such row: a transaction takes it once the
 * rest of its writes are done. Callers pass counters in that order; `sortedTicketCounts` and
 * `sortedStockCounts` build it.
 */
export type { Stock, StockMovementKind, TicketTypeCopy };

export interface TicketCount {
  ticketTypeId: string;
  quantity: number;
}
export interface StockCount {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/** Sums quantities per ticket type, in lock order. */
export function sortedTicketCounts(lines: { ticketTypeId: string | null; quantity: number }[]): TicketCount[] {
  const sums = new Map<string, number>();
  for (const l of lines) if (l.ticketTypeId) sums.set(l.ticketTypeId, (sums.get(l.ticketTypeId) ?? 0) + l.quantity);
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
}

/** Sums quantities per stock row, in lock order. */
export function sortedStockCounts(
  lines: { productId: string | null; warehouseId: string | null; quantity: number }[],
): StockCount[] {
  const sums = new Map<string, StockCount>();
  for (const l of lines) {
    if (!l.productId || !l.warehouseId) continue;
    const key = `${l.productId}/${l.warehouseId}`;
    const entry = sums.get(key) ?? { productId: l.productId, warehouseId: l.warehouseId, quantity: 0 };
    entry.quantity += l.quantity;
    sums.set(key, entry);
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** Holds `quantity` tickets if that many remain; false (nothing changed) otherwise. */
export async function reserveTickets(tx: Tx, ticketTypeId: string, quantity: number): Promise<boolean> {
  const updated = await tx.$executeRaw`
    UPDATE orders.ticket_types SET held = held + ${quantity}, updated_at = now()
    WHERE id = ${ticketTypeId}::uuid AND capacity - held - sold >= ${quantity}`;
  return updated === 1;
}

/**
 * Holds `quantity` units in the first warehouse (by id) that has them all, and returns it;
 * undefined when none has (lines are not split across warehouses). `FOR UPDATE` in the
 * subquery makes a transaction that waited for a row re-check it, and move on to the next
 * warehouse if the row no longer qualifies.
 */
export async function reserveStock(tx: Tx, productId: string, quantity: number): Promise<string | undefined> {
  const rows = await tx.$queryRaw<{ warehouse_id: string }[]>`
    UPDATE orders.stock s SET held = s.held + ${quantity}, updated_at = now()
    WHERE (s.product_id, s.warehouse_id) = (
      SELECT product_id, warehouse_id FROM orders.stock
      WHERE product_id = ${productId}::uuid AND on_hand - held >= ${quantity}
      ORDER BY warehouse_id LIMIT 1 FOR UPDATE
    ) AND s.on_hand - s.held >= ${quantity}
    RETURNING s.warehouse_id::text`;
  return rows[0]?.warehouse_id;
}

/** Gives holds back (expiry, cancellation, failed payment). */
export async function releaseHolds(tx: Tx, tickets: TicketCount[], stock: StockCount[]): Promise<void> {
  for (const s of stock) {
    await tx.$executeRaw`
      UPDATE orders.stock SET held = held - ${s.quantity}, updated_at = now()
      WHERE product_id = ${s.productId}::uuid AND warehouse_id = ${s.warehouseId}::uuid`;
  }
  for (const t of tickets) {
    await tx.$executeRaw`UPDATE orders.ticket_types SET held = held - ${t.quantity}, updated_at = now() WHERE id = ${t.ticketTypeId}::uuid`;
  }
}

/** Turns holds into sales (payment succeeded): tickets count as sold, units leave the warehouse. */
export async function commitHolds(tx: Tx, tickets: TicketCount[], stock: StockCount[]): Promise<void> {
  for (const s of stock) {
    await tx.$executeRaw`
      UPDATE orders.stock SET held = held - ${s.quantity}, on_hand = on_hand - ${s.quantity}, updated_at = now()
      WHERE product_id = ${s.productId}::uuid AND warehouse_id = ${s.warehouseId}::uuid`;
  }
  for (const t of tickets) {
    await tx.$executeRaw`
      UPDATE orders.ticket_types SET held = held - ${t.quantity}, sold = sold + ${t.quantity}, updated_at = now()
      WHERE id = ${t.ticketTypeId}::uuid`;
  }
}

/** Takes sold units back (refund): capacity returns, units return to their warehouse. */
export async function returnSold(tx: Tx, tickets: TicketCount[], stock: StockCount[]): Promise<void> {
  for (const s of stock) {
    await tx.$executeRaw`
      UPDATE orders.stock SET on_hand = on_hand + ${s.quantity}, updated_at = now()
      WHERE product_id = ${s.productId}::uuid AND warehouse_id = ${s.warehouseId}::uuid`;
  }
  for (const t of tickets) {
    await tx.$executeRaw`UPDATE orders.ticket_types SET sold = sold - ${t.quantity}, updated_at = now() WHERE id = ${t.ticketTypeId}::uuid`;
  }
}

/** Receives units (IN) into a warehouse, creating the stock row on first use. */
export async function receiveStock(tx: Tx, productId: string, warehouseId: string, quantity: number): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO orders.stock (product_id, warehouse_id, on_hand, held, updated_at)
    VALUES (${productId}::uuid, ${warehouseId}::uuid, ${quantity}, 0, now())
    ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = orders.stock.on_hand + EXCLUDED.on_hand, updated_at = now()`;
}

/** Corrects on-hand units by a signed delta, unless that would leave fewer than are held. */
export async function adjustStock(tx: Tx, productId: string, warehouseId: string, delta: number): Promise<boolean> {
  const updated = await tx.$executeRaw`
    UPDATE orders.stock SET on_hand = on_hand + ${delta}, updated_at = now()
    WHERE product_id = ${productId}::uuid AND warehouse_id = ${warehouseId}::uuid AND on_hand + ${delta} >= held`;
  return updated === 1;
}

export interface Movement {
  productId: string;
  warehouseId: string;
  kind: StockMovementKind;
  quantity: number;
  reason: string;
  actorId: string | null;
  orderId: string | null;
}

export async function recordMovements(tx: Tx, movements: Movement[]): Promise<void> {
  if (movements.length) await tx.stockMovement.createMany({ data: movements });
}

export function findStock(db: Db | Tx, productId: string, warehouseId: string): Promise<Stock | null> {
  return db.stock.findUnique({ where: { productId_warehouseId: { productId, warehouseId } } });
}

export function findStockByProducts(db: Db | Tx, productIds: readonly string[]): Promise<Stock[]> {
  return db.stock.findMany({
    where: { productId: { in: [...productIds] } },
    orderBy: [{ productId: 'asc' }, { warehouseId: 'asc' }],
  });
}

export function findTicketTypes(db: Db | Tx, ids: readonly string[]): Promise<TicketTypeCopy[]> {
  return db.ticketTypeCopy.findMany({ where: { id: { in: [...ids] } } });
}

/** The ticket types of these events that are not drafts, by name. */
export function findTicketTypesOfEvents(db: Db | Tx, eventIds: readonly string[]): Promise<TicketTypeCopy[]> {
  return db.ticketTypeCopy.findMany({
    where: { eventId: { in: [...eventIds] }, eventStatus: { not: 'DRAFT' } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
}

/** The copy of a ticket type as tickets announced it; orders' own counters are kept. */
export async function upsertTicketType(
  tx: Tx,
  t: {
    id: string;
    eventId: string;
    organizerId: string;
    name: string;
    priceCents: number;
    currency: string;
    capacity: number;
    maxPerOrder: number;
    salesStartAt: Date | null;
    salesEndAt: Date | null;
    eventStatus: string;
  },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO orders.ticket_types
      (id, event_id, organizer_id, name, price_cents, currency, capacity, max_per_order, sales_start_at, sales_end_at, event_status, held, sold, updated_at)
    VALUES (${t.id}::uuid, ${t.eventId}::uuid, ${t.organizerId}::uuid, ${t.name}, ${t.priceCents}, ${t.currency}, ${t.capacity},
            ${t.maxPerOrder}, ${t.salesStartAt}, ${t.salesEndAt}, ${t.eventStatus}, 0, 0, now())
    ON CONFLICT (id) DO UPDATE SET
      event_id = EXCLUDED.event_id, organizer_id = EXCLUDED.organizer_id, name = EXCLUDED.name,
      price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency, capacity = EXCLUDED.capacity,
      max_per_order = EXCLUDED.max_per_order, sales_start_at = EXCLUDED.sales_start_at,
      sales_end_at = EXCLUDED.sales_end_at, event_status = EXCLUDED.event_status, updated_at = now()`;
}

export async function markEventCancelled(tx: Tx, eventId: string): Promise<void> {
  await tx.ticketTypeCopy.updateMany({ where: { eventId }, data: { eventStatus: 'CANCELLED' } });
}

/** A product's stock over all its warehouses, as `StockChanged` announces it. */
export interface ProductStockState {
  productId: string;
  sellerId: string;
  title: string;
  categoryId: string | null;
  onHand: number;
  held: number;
  /** ISO-8601 UTC with microseconds, read under the product's row lock (the event's version). */
  changedAt: string;
}

/**
 * Locks the products' rows (`FOR NO KEY UPDATE`, by id: it does not block the key-share lock
 * a new stock row takes) and then reads their stock totals, in a second statement so that it
 * sees every transaction that held the lock before. Called after the stock rows were updated,
 * so whichever of two transactions changing one product's stock (even in different
 * warehouses) commits last also reads last, and its totals and `changedAt` are the newer ones.
 */
export async function lockStockStates(tx: Tx, productIds: readonly string[]): Promise<ProductStockState[]> {
  const ids = [...new Set(productIds)].sort();
  if (ids.length === 0) return [];
  await tx.$queryRaw`SELECT id FROM orders.products WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
  const rows = await tx.$queryRaw<
    {
      product_id: string;
      seller_id: string;
      title: string;
      category_id: string | null;
      on_hand: number;
      held: number;
      changed_at: string;
    }[]
  >`
    SELECT p.id::text AS product_id, p.seller_id::text, p.title, p.category_id::text,
           COALESCE(SUM(s.on_hand), 0)::int AS on_hand, COALESCE(SUM(s.held), 0)::int AS held,
           to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS changed_at
    FROM orders.products p LEFT JOIN orders.stock s ON s.product_id = p.id
    WHERE p.id = ANY(${ids}::uuid[])
    GROUP BY p.id ORDER BY p.id`;
  return rows.map((r) => ({
    productId: r.product_id,
    sellerId: r.seller_id,
    title: r.title,
    categoryId: r.category_id,
    onHand: r.on_hand,
    held: r.held,
    changedAt: r.changed_at,
  }));
}
