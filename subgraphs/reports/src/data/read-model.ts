/**
 * Writes of the read model, each in the consumer's transaction (`tx`). Counters only ever
 * add (`x = x + excluded.x`), so events applied in any order end at the same figures; facts
 * that arrive in pieces (a support ticket's opening and resolution) merge with COALESCE.
 */
import { Prisma } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

/** The scope kinds of `sales_buckets`: the platform, one seller, one event. */
export type ScopeKind = 'ALL' | 'SELLER' | 'EVENT';
/** The scope id of `ALL`. */
export const PLATFORM = '00000000-0000-0000-0000-000000000000';

/**
 * The time zone whose local days `sales_days` rolls the quarter-hours up into: the platform's
 * default (`REPORTS_TIMEZONE`'s). Reports by day, week or month in it read whole days from
 * the rollup; in any other zone they add up quarter-hours, slower but as exact.
 */
export const DAY_ROLLUP_ZONE = 'Europe/Madrid';

/** Additions to one row of `sales_buckets` (absent counters add 0). */
export interface BucketDelta {
  scopeKind: ScopeKind;
  scopeId: string;
  currency: string;
  bucket: Date;
  orders?: number;
  grossCents?: number;
  refunds?: number;
  refundCents?: number;
  ticketsSold?: number;
  ticketsRefunded?: number;
  unitsSold?: number;
  unitsRefunded?: number;
  cancelledOrders?: number;
  cancelledCents?: number;
}

/** The counters of `sales_buckets` and `sales_days`, in their columns' order. */
const SALES_COUNTERS = [
  ...['orders', 'gross_cents', 'refunds', 'refund_cents', 'tickets_sold', 'tickets_refunded'],
  ...['units_sold', 'units_refunded', 'cancelled_orders', 'cancelled_cents'],
];
/** `DO UPDATE SET` of an upsert into the table aliased `alias`: every counter adds the new row's. */
const addCounters = (alias: string) =>
  Prisma.raw(SALES_COUNTERS.map((c) => `${c} = ${alias}.${c} + excluded.${c}`).join(', '));

/**
 * One statement for all the rows an event touches: its quarter-hour rows, and the same
 * additions to their local days of `DAY_ROLLUP_ZONE` (deltas of one call name distinct scopes).
 */
export async function addToBuckets(tx: Tx, deltas: readonly BucketDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const col = <K extends keyof BucketDelta>(k: K) => deltas.map((d) => d[k] ?? 0);
  await tx.$executeRaw`
    WITH d (scope_kind, scope_id, currency, bucket, orders, gross_cents, refunds, refund_cents, tickets_sold,
      tickets_refunded, units_sold, units_refunded, cancelled_orders, cancelled_cents) AS (
      SELECT * FROM unnest(${deltas.map((d) => d.scopeKind)}::varchar[], ${deltas.map((d) => d.scopeId)}::uuid[],
        ${deltas.map((d) => d.currency)}::char(3)[], ${deltas.map((d) => d.bucket.toISOString())}::timestamptz[],
        ${col('orders')}::int[], ${col('grossCents')}::bigint[], ${col('refunds')}::int[], ${col('refundCents')}::bigint[],
        ${col('ticketsSold')}::int[], ${col('ticketsRefunded')}::int[], ${col('unitsSold')}::int[],
        ${col('unitsRefunded')}::int[], ${col('cancelledOrders')}::int[], ${col('cancelledCents')}::bigint[])
    ), days AS (
      INSERT INTO reports.sales_days AS s (scope_kind, scope_id, currency, day, orders, gross_cents, refunds,
        refund_cents, tickets_sold, tickets_refunded, units_sold, units_refunded, cancelled_orders, cancelled_cents)
      SELECT scope_kind, scope_id, currency, (bucket AT TIME ZONE ${DAY_ROLLUP_ZONE})::date, orders, gross_cents,
        refunds, refund_cents, tickets_sold, tickets_refunded, units_sold, units_refunded, cancelled_orders,
        cancelled_cents
      FROM d
      ON CONFLICT (scope_kind, scope_id, day, currency) DO UPDATE SET
        ${addCounters('s')}
    )
    INSERT INTO reports.sales_buckets AS b (scope_kind, scope_id, currency, bucket, orders, gross_cents, refunds,
      refund_cents, tickets_sold, tickets_refunded, units_sold, units_refunded, cancelled_orders, cancelled_cents)
    SELECT * FROM d
    ON CONFLICT (scope_kind, scope_id, bucket, currency) DO UPDATE SET
      ${addCounters('b')}`;
}

/** Additions to the sales of one product or event: its all-time totals and its quarter-hour. */
export interface ItemDelta {
  itemKind: 'PRODUCT' | 'EVENT';
  itemId: string;
  currency: string;
  sellerId: string;
  orders?: number;
  grossCents?: number;
  refundCents?: number;
  unitsSold?: number;
  unitsRefunded?: number;
}

/** Adds `deltas` to the items' all-time rows and to their rows of the quarter-hour `bucket`. */
export async function addToItems(tx: Tx, bucket: Date, deltas: readonly ItemDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const col = <K extends keyof ItemDelta>(k: K) => deltas.map((d) => d[k] ?? 0);
  await tx.$executeRaw`
    INSERT INTO reports.sales_items AS i (item_kind, item_id, currency, seller_id, orders, gross_cents, refund_cents,
      units_sold, units_refunded)
    SELECT * FROM unnest(${deltas.map((d) => d.itemKind)}::varchar[], ${deltas.map((d) => d.itemId)}::uuid[],
      ${deltas.map((d) => d.currency)}::char(3)[], ${deltas.map((d) => d.sellerId)}::uuid[], ${col('orders')}::int[],
      ${col('grossCents')}::bigint[], ${col('refundCents')}::bigint[], ${col('unitsSold')}::int[],
      ${col('unitsRefunded')}::int[])
    ON CONFLICT (item_kind, item_id, currency) DO UPDATE SET
      orders = i.orders + excluded.orders,
      gross_cents = i.gross_cents + excluded.gross_cents,
      refund_cents = i.refund_cents + excluded.refund_cents,
      units_sold = i.units_sold + excluded.units_sold,
      units_refunded = i.units_refunded + excluded.units_refunded`;
  await tx.$executeRaw`
    INSERT INTO reports.sales_item_buckets AS i (item_kind, currency, bucket, item_id, seller_id, orders, gross_cents,
      refund_cents, units_sold, units_refunded)
    SELECT d.kind, d.currency, ${bucket.toISOString()}::timestamptz, d.item_id, d.seller_id, d.orders, d.gross_cents,
      d.refund_cents, d.units_sold, d.units_refunded
    FROM unnest(${deltas.map((d) => d.itemKind)}::varchar[], ${deltas.map((d) => d.currency)}::char(3)[],
      ${deltas.map((d) => d.itemId)}::uuid[], ${deltas.map((d) => d.sellerId)}::uuid[], ${col('orders')}::int[],
      ${col('grossCents')}::bigint[], ${col('refundCents')}::bigint[], ${col('unitsSold')}::int[],
      ${col('unitsRefunded')}::int[])
      AS d(kind, currency, item_id, seller_id, orders, gross_cents, refund_cents, units_sold, units_refunded)
    ON CONFLICT (item_kind, currency, bucket, item_id) DO UPDATE SET
      orders = i.orders + excluded.orders,
      gross_cents = i.gross_cents + excluded.gross_cents,
      refund_cents = i.refund_cents + excluded.refund_cents,
      units_sold = i.units_sold + excluded.units_sold,
      units_refunded = i.units_refunded + excluded.units_refunded`;
}

/** The `category_sales` id of product lines without a category. */
export const UNCATEGORISED = PLATFORM;

/** Additions to one category's product sales (of one seller, currency and quarter-hour). */
export interface CategoryDelta {
  categoryId: string;
  sellerId: string;
  grossCents?: number;
  refundCents?: number;
  unitsSold?: number;
  unitsRefunded?: number;
}

export async function addToCategorySales(
  tx: Tx,
  currency: string,
  bucket: Date,
  deltas: readonly CategoryDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  const col = <K extends keyof CategoryDelta>(k: K) => deltas.map((d) => d[k] ?? 0);
  await tx.$executeRaw`
    INSERT INTO reports.category_sales AS c (seller_id, currency, bucket, category_id, gross_cents, refund_cents,
      units_sold, units_refunded)
    SELECT d.seller_id, ${currency}::char(3), ${bucket.toISOString()}::timestamptz, d.category_id, d.gross_cents,
      d.refund_cents, d.units_sold, d.units_refunded
    FROM unnest(${deltas.map((d) => d.sellerId)}::uuid[], ${deltas.map((d) => d.categoryId)}::uuid[],
      ${col('grossCents')}::bigint[], ${col('refundCents')}::bigint[], ${col('unitsSold')}::int[],
      ${col('unitsRefunded')}::int[]) AS d(seller_id, category_id, gross_cents, refund_cents, units_sold, units_refunded)
    ON CONFLICT (seller_id, currency, bucket, category_id) DO UPDATE SET
      gross_cents = c.gross_cents + excluded.gross_cents,
      refund_cents = c.refund_cents + excluded.refund_cents,
      units_sold = c.units_sold + excluded.units_sold,
      units_refunded = c.units_refunded + excluded.units_refunded`;
}

/** A category's place in the tree; kept only if newer than the row (`changedAt`). */
export async function recordCategory(
  tx: Tx,
  c: { categoryId: string; parentId: string | null; name: string; changedAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.categories AS c (category_id, parent_id, name, changed_at)
    VALUES (${c.categoryId}::uuid, ${c.parentId}::uuid, ${c.name}, ${c.changedAt})
    ON CONFLICT (category_id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,
      changed_at = excluded.changed_at
    WHERE c.changed_at < excluded.changed_at`;
}

/** A buyer's paid order (a redelivery changes nothing). */
export async function recordCustomerOrder(
  tx: Tx,
  o: { orderId: string; buyerId: string; currency: string; paidAt: Date; grossCents: number },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.customer_orders (order_id, buyer_id, currency, paid_at, gross_cents)
    VALUES (${o.orderId}::uuid, ${o.buyerId}::uuid, ${o.currency}, ${o.paidAt}, ${o.grossCents})
    ON CONFLICT (order_id) DO NOTHING`;
}

/** A refund of a buyer's order, whether or not its payment was seen yet. */
export async function recordCustomerRefund(
  tx: Tx,
  r: { refundId: string; orderId: string; amountCents: number; refundedAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.customer_refunds (refund_id, order_id, amount_cents, refunded_at)
    VALUES (${r.refundId}::uuid, ${r.orderId}::uuid, ${r.amountCents}, ${r.refundedAt})
    ON CONFLICT (refund_id) DO NOTHING`;
}

/** Who runs each event (an event's organizer never changes). */
export async function recordEventOwners(tx: Tx, owners: readonly { eventId: string; organizerId: string }[]) {
  if (owners.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.event_owners (event_id, organizer_id)
    SELECT * FROM unnest(${owners.map((o) => o.eventId)}::uuid[], ${owners.map((o) => o.organizerId)}::uuid[])
    ON CONFLICT (event_id) DO NOTHING`;
}

/** Additions to events' admission counters. */
export async function addToAttendance(
  tx: Tx,
  deltas: readonly { eventId: string; issued?: number; voided?: number; checkedIn?: number }[],
): Promise<void> {
  if (deltas.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.event_attendance AS a (event_id, issued, voided, checked_in)
    SELECT * FROM unnest(${deltas.map((d) => d.eventId)}::uuid[], ${deltas.map((d) => d.issued ?? 0)}::int[],
      ${deltas.map((d) => d.voided ?? 0)}::int[], ${deltas.map((d) => d.checkedIn ?? 0)}::int[])
    ON CONFLICT (event_id) DO UPDATE SET
      issued = a.issued + excluded.issued,
      voided = a.voided + excluded.voided,
      checked_in = a.checked_in + excluded.checked_in`;
}

export async function recordCheckIn(
  tx: Tx,
  c: { ticketId: string; eventId: string; holderId: string; checkedInAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.check_ins AS c (ticket_id, event_id, holder_id, checked_in_at)
    VALUES (${c.ticketId}::uuid, ${c.eventId}::uuid, ${c.holderId}::uuid, ${c.checkedInAt})
    ON CONFLICT (ticket_id) DO UPDATE SET checked_in_at = excluded.checked_in_at`;
}

/** A voided ticket's scan no longer counts, in whichever order the two events arrive. */
export async function voidCheckIn(tx: Tx, c: { ticketId: string; eventId: string; holderId: string }): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.check_ins (ticket_id, event_id, holder_id, voided)
    VALUES (${c.ticketId}::uuid, ${c.eventId}::uuid, ${c.holderId}::uuid, true)
    ON CONFLICT (ticket_id) DO UPDATE SET voided = true`;
}

export async function supportTicketOpened(
  tx: Tx,
  t: { ticketId: string; number: number; channel: string; priority: string; createdAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.support_tickets (ticket_id, number, channel, priority, created_at)
    VALUES (${t.ticketId}::uuid, ${t.number}, ${t.channel}, ${t.priority}, ${t.createdAt})
    ON CONFLICT (ticket_id) DO UPDATE SET number = excluded.number, channel = excluded.channel,
      priority = excluded.priority, created_at = excluded.created_at`;
}

/** The earliest agent reply is the first response, in whichever order replies arrive. */
export async function supportTicketAnswered(
  tx: Tx,
  t: { ticketId: string; number: number; firstResponseAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.support_tickets AS s (ticket_id, number, first_response_at)
    VALUES (${t.ticketId}::uuid, ${t.number}, ${t.firstResponseAt})
    ON CONFLICT (ticket_id) DO UPDATE SET first_response_at = LEAST(s.first_response_at, excluded.first_response_at)`;
}

/** A breach is sticky: once seen, the ticket stays breached. */
export async function supportTicketBreached(tx: Tx, t: { ticketId: string; number: number }): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.support_tickets AS s (ticket_id, number, sla_breached)
    VALUES (${t.ticketId}::uuid, ${t.number}, true)
    ON CONFLICT (ticket_id) DO UPDATE SET sla_breached = true`;
}

/** A ticket is rated once (support refuses a second rating), by this event or a resolution carrying it. */
export async function supportTicketRated(tx: Tx, t: { ticketId: string; rating: number }): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.support_tickets AS s (ticket_id, rating) VALUES (${t.ticketId}::uuid, ${t.rating})
    ON CONFLICT (ticket_id) DO UPDATE SET rating = excluded.rating`;
}

/** The latest resolution wins (a reopened ticket is resolved again later; a rating repeats it). */
export async function supportTicketResolved(
  tx: Tx,
  t: {
    ticketId: string;
    number: number;
    resolvedAt: Date;
    firstResponseAt: Date | null;
    slaBreached: boolean;
    rating: number | null;
  },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.support_tickets AS s (ticket_id, number, resolved_at, first_response_at, sla_breached, rating)
    VALUES (${t.ticketId}::uuid, ${t.number}, ${t.resolvedAt}, ${t.firstResponseAt}, ${t.slaBreached}, ${t.rating})
    ON CONFLICT (ticket_id) DO UPDATE SET
      number = COALESCE(s.number, excluded.number),
      resolved_at = GREATEST(s.resolved_at, excluded.resolved_at),
      first_response_at = LEAST(s.first_response_at, excluded.first_response_at),
      sla_breached = s.sla_breached OR excluded.sla_breached,
      rating = COALESCE(excluded.rating, s.rating)`;
}

/** A user's registration is the first of their changes seen (the earliest `changedAt`). */
export async function recordUser(tx: Tx, userId: string, at: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.registered_users AS u (user_id, registered_at) VALUES (${userId}::uuid, ${at})
    ON CONFLICT (user_id) DO UPDATE SET registered_at = LEAST(u.registered_at, excluded.registered_at)`;
}

export async function recordPoints(
  tx: Tx,
  p: { entryId: string; userId: string; amount: number; kind: string; occurredAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.points_entries (entry_id, user_id, amount, kind, occurred_at)
    VALUES (${p.entryId}::uuid, ${p.userId}::uuid, ${p.amount}, ${p.kind}, ${p.occurredAt})
    ON CONFLICT (entry_id) DO NOTHING`;
}

/** What `gamification_facts` records besides points. */
export type GamificationFactKind = 'BADGE' | 'LEVEL' | 'REWARD' | 'RECEIPT';

/** Each fact happens once (its key), so a repeated event adds nothing. */
export async function recordGamificationFact(
  tx: Tx,
  f: { kind: GamificationFactKind; key: string; userId: string; amount?: number; occurredAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.gamification_facts (kind, key, user_id, amount, occurred_at)
    VALUES (${f.kind}, ${f.key}, ${f.userId}::uuid, ${f.amount ?? 0}, ${f.occurredAt})
    ON CONFLICT (kind, key) DO NOTHING`;
}

/** A product's whole stock; kept only if newer than the row (`changedAt`, microseconds). */
export async function recordProductStock(
  tx: Tx,
  s: {
    productId: string;
    sellerId: string;
    name: string;
    categoryId: string | null;
    onHand: number;
    held: number;
    available: number;
    changedAt: string;
  },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.product_stock AS p (product_id, seller_id, name, category_id, on_hand, held, available, changed_at)
    VALUES (${s.productId}::uuid, ${s.sellerId}::uuid, ${s.name}, ${s.categoryId}::uuid, ${s.onHand}, ${s.held},
      ${s.available}, ${s.changedAt}::timestamptz)
    ON CONFLICT (product_id) DO UPDATE SET seller_id = excluded.seller_id, name = excluded.name,
      category_id = excluded.category_id, on_hand = excluded.on_hand, held = excluded.held,
      available = excluded.available, changed_at = excluded.changed_at
    WHERE p.changed_at < excluded.changed_at`;
}

/** A ticket type's capacity and name, kept only if announced later (outbox `seq`) than the row's. */
export async function recordTicketTypeCapacity(
  tx: Tx,
  t: {
    ticketTypeId: string;
    eventId: string;
    organizerId: string;
    name: string;
    capacity: number;
    eventStatus: string;
    version: bigint;
  },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO reports.ticket_type_stock AS t (ticket_type_id, event_id, organizer_id, name, capacity, event_status, version)
    VALUES (${t.ticketTypeId}::uuid, ${t.eventId}::uuid, ${t.organizerId}::uuid, ${t.name}, ${t.capacity},
      ${t.eventStatus}, ${t.version})
    ON CONFLICT (ticket_type_id) DO UPDATE SET event_id = excluded.event_id, organizer_id = excluded.organizer_id,
      name = excluded.name, capacity = excluded.capacity, event_status = excluded.event_status, version = excluded.version
    WHERE t.version < excluded.version`;
}

/** Additions to ticket types' tickets sold (negative: refunded). */
export async function addToTicketTypesSold(
  tx: Tx,
  deltas: readonly { ticketTypeId: string; eventId: string; organizerId: string; sold: number }[],
): Promise<void> {
  if (deltas.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.ticket_type_stock AS t (ticket_type_id, event_id, organizer_id, sold)
    SELECT * FROM unnest(${deltas.map((d) => d.ticketTypeId)}::uuid[], ${deltas.map((d) => d.eventId)}::uuid[],
      ${deltas.map((d) => d.organizerId)}::uuid[], ${deltas.map((d) => d.sold)}::int[])
    ON CONFLICT (ticket_type_id) DO UPDATE SET sold = t.sold + excluded.sold`;
}

/** The read model's tables, emptied by a rebuild. */
const TABLES = [
  'sales_buckets',
  'sales_days',
  'sales_items',
  'sales_item_buckets',
  'categories',
  'category_sales',
  'customer_orders',
  'customer_refunds',
  'event_owners',
  'event_attendance',
  'check_ins',
  'support_tickets',
  'registered_users',
  'points_entries',
  'gamification_facts',
  'product_stock',
  'ticket_type_stock',
] as const;

/**
 * Empties the read model and forgets which events `consumer` applied, in one transaction:
 * replaying the log from the start then rebuilds every figure exactly once. TRUNCATE locks
 * the tables, so a live consumer waits for this commit instead of writing into the old figures.
 */
export async function resetReadModel(db: Db, consumer: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`TRUNCATE ${TABLES.map((t) => `reports.${t}`).join(', ')}`);
    await tx.$executeRaw`DELETE FROM events.processed_events WHERE consumer = ${consumer}`;
    await tx.$executeRaw`DELETE FROM events.consumer_cursors WHERE consumer = ${consumer}`;
  });
}
