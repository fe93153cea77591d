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

/** Additions to the sales of one product or event: its all-time totals and its quarter-hour `bucket`. */
export interface ItemDelta {
  itemKind: 'PRODUCT' | 'EVENT';
  itemId: string;
  currency: string;
  bucket: Date;
  sellerId: string;
  orders?: number;
  grossCents?: number;
  refundCents?: number;
  unitsSold?: number;
  unitsRefunded?: number;
}

/** The `category_sales` id of product lines without a category. */
export const UNCATEGORISED = PLATFORM;

/** Additions to one category's product sales (of one seller, currency and quarter-hour). */
export interface CategoryDelta {
  categoryId: string;
  sellerId: string;
  currency: string;
  bucket: Date;
  grossCents?: number;
  refundCents?: number;
  unitsSold?: number;
  unitsRefunded?: number;
}

/** A buyer's paid order. */
export interface CustomerOrder {
  orderId: string;
  buyerId: string;
  currency: string;
  paidAt: Date;
  grossCents: number;
}

/** A refund of a buyer's order, whether or not its payment was seen yet. */
export interface CustomerRefund {
  refundId: string;
  orderId: string;
  amountCents: number;
  refundedAt: Date;
}

/** Additions to an event's admission counters. */
export interface AttendanceDelta {
  eventId: string;
  issued?: number;
  voided?: number;
  checkedIn?: number;
}

/** Additions to a ticket type's tickets sold (negative: refunded). */
export interface TicketTypeSoldDelta {
  ticketTypeId: string;
  eventId: string;
  organizerId: string;
  sold: number;
}

/** The keys of `T` whose values are counters (numbers), summed when rows merge. */
type Counters<T> = { [K in keyof T]-?: NonNullable<T[K]> extends number ? K : never }[keyof T];

/** Postgres compares uuids whatever their case; the keys of pending rows must too. */
const keyOf = (...parts: (string | Date)[]) =>
  parts.map((p) => (typeof p === 'string' ? p.toLowerCase() : p.toISOString())).join('|');

/** Adds `delta`'s counters to the pending row of `key` (its other fields: the first delta's). */
function addTo<T extends object>(rows: Map<string, T>, key: string, delta: T, counters: readonly Counters<T>[]): void {
  const row = rows.get(key);
  if (!row) {
    rows.set(key, { ...delta });
    return;
  }
  for (const c of counters) {
    const sum = (Number(row[c] ?? 0) + Number(delta[c] ?? 0)) as T[Counters<T>];
    row[c] = sum;
  }
}

/** A fact recorded once: the first of a key is kept (as `ON CONFLICT DO NOTHING` keeps the stored one). */
function keepFirst<T>(rows: Map<string, T>, key: string, fact: T): void {
  if (!rows.has(key)) rows.set(key, fact);
}

/**
 * Rows in the order of their keys: every transaction upserts a table's rows in one order, so
 * two consumer instances writing the same rows wait for each other instead of deadlocking.
 */
const inKeyOrder = <T>(rows: Map<string, T>): T[] =>
  [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);

const BUCKET_COUNTERS = [
  ...(['orders', 'grossCents', 'refunds', 'refundCents', 'ticketsSold', 'ticketsRefunded'] as const),
  ...(['unitsSold', 'unitsRefunded', 'cancelledOrders', 'cancelledCents'] as const),
];
const ITEM_COUNTERS = ['orders', 'grossCents', 'refundCents', 'unitsSold', 'unitsRefunded'] as const;
const CATEGORY_COUNTERS = ['grossCents', 'refundCents', 'unitsSold', 'unitsRefunded'] as const;
const ATTENDANCE_COUNTERS = ['issued', 'voided', 'checkedIn'] as const;

/**
 * The sales read model's writes of one consumer transaction (one event's, or a batch's),
 * merged by row in memory and written by `flush`: one multi-row upsert per table, however many
 * events the transaction applied. Only what commutes is kept here: counters that add, and facts
 * recorded once by key. The caller applies each event once (its processed record), so merging
 * never counts an event twice.
 */
export class SalesWrites {
  private readonly buckets = new Map<string, BucketDelta>();
  private readonly items = new Map<string, ItemDelta>();
  private readonly itemBuckets = new Map<string, ItemDelta>();
  private readonly categories = new Map<string, CategoryDelta>();
  private readonly orders = new Map<string, CustomerOrder>();
  private readonly refunds = new Map<string, CustomerRefund>();
  private readonly owners = new Map<string, { eventId: string; organizerId: string }>();
  private readonly attendance = new Map<string, AttendanceDelta>();
  private readonly ticketTypes = new Map<string, TicketTypeSoldDelta>();

  /** Additions to `sales_buckets` and to their local days in `sales_days`. */
  addToBuckets(deltas: readonly BucketDelta[]): void {
    for (const d of deltas)
      addTo(this.buckets, keyOf(d.scopeKind, d.scopeId, d.currency, d.bucket), d, BUCKET_COUNTERS);
  }

  /** Additions to items' all-time rows (`sales_items`) and quarter-hour rows (`sales_item_buckets`). */
  addToItems(deltas: readonly ItemDelta[]): void {
    for (const d of deltas) {
      addTo(this.items, keyOf(d.itemKind, d.itemId, d.currency), d, ITEM_COUNTERS);
      addTo(this.itemBuckets, keyOf(d.itemKind, d.currency, d.bucket, d.itemId), d, ITEM_COUNTERS);
    }
  }

  addToCategorySales(deltas: readonly CategoryDelta[]): void {
    for (const d of deltas)
      addTo(this.categories, keyOf(d.sellerId, d.currency, d.bucket, d.categoryId), d, CATEGORY_COUNTERS);
  }

  /** A buyer's paid order (recorded once: a redelivery changes nothing). */
  recordCustomerOrder(o: CustomerOrder): void {
    keepFirst(this.orders, keyOf(o.orderId), o);
  }

  recordCustomerRefund(r: CustomerRefund): void {
    keepFirst(this.refunds, keyOf(r.refundId), r);
  }

  /** Who runs each event (an event's organizer never changes). */
  recordEventOwners(owners: readonly { eventId: string; organizerId: string }[]): void {
    for (const o of owners) keepFirst(this.owners, keyOf(o.eventId), o);
  }

  /** The organizers of `eventIds` recorded in this transaction, not yet written. */
  pendingOwners(eventIds: readonly string[]): string[] {
    return eventIds.flatMap((id) => this.owners.get(keyOf(id))?.organizerId ?? []);
  }

  addToAttendance(deltas: readonly AttendanceDelta[]): void {
    for (const d of deltas) addTo(this.attendance, keyOf(d.eventId), d, ATTENDANCE_COUNTERS);
  }

  addToTicketTypesSold(deltas: readonly TicketTypeSoldDelta[]): void {
    for (const d of deltas) addTo(this.ticketTypes, keyOf(d.ticketTypeId), d, ['sold']);
  }

  /** Writes what was added, in `tx`, then forgets it. */
  async flush(tx: Tx): Promise<void> {
    await writeBuckets(tx, inKeyOrder(this.buckets));
    await writeItems(tx, inKeyOrder(this.items));
    await writeItemBuckets(tx, inKeyOrder(this.itemBuckets));
    await writeCategorySales(tx, inKeyOrder(this.categories));
    await writeCustomerOrders(tx, inKeyOrder(this.orders));
    await writeCustomerRefunds(tx, inKeyOrder(this.refunds));
    await writeEventOwners(tx, inKeyOrder(this.owners));
    await writeAttendance(tx, inKeyOrder(this.attendance));
    await writeTicketTypesSold(tx, inKeyOrder(this.ticketTypes));
    for (const rows of [this.buckets, this.items, this.itemBuckets, this.categories, this.orders, this.refunds])
      rows.clear();
    for (const rows of [this.owners, this.attendance, this.ticketTypes]) rows.clear();
  }
}

/** The counters of `sales_buckets` and `sales_days`, in their columns' order. */
const SALES_COUNTERS = [
  ...['orders', 'gross_cents', 'refunds', 'refund_cents', 'tickets_sold', 'tickets_refunded'],
  ...['units_sold', 'units_refunded', 'cancelled_orders', 'cancelled_cents'],
];
/** `DO UPDATE SET` of an upsert into the table aliased `alias`: every counter adds the new row's. */
const addCounters = (alias: string) =>
  Prisma.raw(SALES_COUNTERS.map((c) => `${c} = ${alias}.${c} + excluded.${c}`).join(', '));
/** The counters summed over the quarter-hours of one local day. */
const sumCounters = Prisma.raw(SALES_COUNTERS.map((c) => `sum(${c})`).join(', '));

/**
 * One statement for the quarter-hour rows (distinct: `SalesWrites` merged them) and the same
 * additions to their local days of `DAY_ROLLUP_ZONE`, summed per day first: an upsert may not
 * touch a row twice.
 */
async function writeBuckets(tx: Tx, deltas: readonly BucketDelta[]): Promise<void> {
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
      SELECT scope_kind, scope_id, currency, (bucket AT TIME ZONE ${DAY_ROLLUP_ZONE})::date AS day, ${sumCounters}
      FROM d GROUP BY scope_kind, scope_id, currency, day ORDER BY scope_kind, scope_id, currency, day
      ON CONFLICT (scope_kind, scope_id, day, currency) DO UPDATE SET
        ${addCounters('s')}
    )
    INSERT INTO reports.sales_buckets AS b (scope_kind, scope_id, currency, bucket, orders, gross_cents, refunds,
      refund_cents, tickets_sold, tickets_refunded, units_sold, units_refunded, cancelled_orders, cancelled_cents)
    SELECT * FROM d
    ON CONFLICT (scope_kind, scope_id, bucket, currency) DO UPDATE SET
      ${addCounters('b')}`;
}

/** The item counters' `DO UPDATE SET` of an upsert into the table aliased `i`. */
const ITEM_ADDITIONS = Prisma.raw(
  ['orders', 'gross_cents', 'refund_cents', 'units_sold', 'units_refunded']
    .map((c) => `${c} = i.${c} + excluded.${c}`)
    .join(', '),
);

async function writeItems(tx: Tx, deltas: readonly ItemDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const col = <K extends keyof ItemDelta>(k: K) => deltas.map((d) => d[k] ?? 0);
  await tx.$executeRaw`
    INSERT INTO reports.sales_items AS i (item_kind, item_id, currency, seller_id, orders, gross_cents, refund_cents,
      units_sold, units_refunded)
    SELECT * FROM unnest(${deltas.map((d) => d.itemKind)}::varchar[], ${deltas.map((d) => d.itemId)}::uuid[],
      ${deltas.map((d) => d.currency)}::char(3)[], ${deltas.map((d) => d.sellerId)}::uuid[], ${col('orders')}::int[],
      ${col('grossCents')}::bigint[], ${col('refundCents')}::bigint[], ${col('unitsSold')}::int[],
      ${col('unitsRefunded')}::int[])
    ON CONFLICT (item_kind, item_id, currency) DO UPDATE SET ${ITEM_ADDITIONS}`;
}

async function writeItemBuckets(tx: Tx, deltas: readonly ItemDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const col = <K extends keyof ItemDelta>(k: K) => deltas.map((d) => d[k] ?? 0);
  await tx.$executeRaw`
    INSERT INTO reports.sales_item_buckets AS i (item_kind, currency, bucket, item_id, seller_id, orders, gross_cents,
      refund_cents, units_sold, units_refunded)
    SELECT * FROM unnest(${deltas.map((d) => d.itemKind)}::varchar[], ${deltas.map((d) => d.currency)}::char(3)[],
      ${deltas.map((d) => d.bucket.toISOString())}::timestamptz[], ${deltas.map((d) => d.itemId)}::uuid[],
      ${deltas.map((d) => d.sellerId)}::uuid[], ${col('orders')}::int[], ${col('grossCents')}::bigint[],
      ${col('refundCents')}::bigint[], ${col('unitsSold')}::int[], ${col('unitsRefunded')}::int[])
    ON CONFLICT (item_kind, currency, bucket, item_id) DO UPDATE SET ${ITEM_ADDITIONS}`;
}

async function writeCategorySales(tx: Tx, deltas: readonly CategoryDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const col = <K extends keyof CategoryDelta>(k: K) => deltas.map((d) => d[k] ?? 0);
  await tx.$executeRaw`
    INSERT INTO reports.category_sales AS c (seller_id, currency, bucket, category_id, gross_cents, refund_cents,
      units_sold, units_refunded)
    SELECT * FROM unnest(${deltas.map((d) => d.sellerId)}::uuid[], ${deltas.map((d) => d.currency)}::char(3)[],
      ${deltas.map((d) => d.bucket.toISOString())}::timestamptz[], ${deltas.map((d) => d.categoryId)}::uuid[],
      ${col('grossCents')}::bigint[], ${col('refundCents')}::bigint[], ${col('unitsSold')}::int[],
      ${col('unitsRefunded')}::int[])
    ON CONFLICT (seller_id, currency, bucket, category_id) DO UPDATE SET
      gross_cents = c.gross_cents + excluded.gross_cents,
      refund_cents = c.refund_cents + excluded.refund_cents,
      units_sold = c.units_sold + excluded.units_sold,
      units_refunded = c.units_refunded + excluded.units_refunded`;
}

async function writeCustomerOrders(tx: Tx, orders: readonly CustomerOrder[]): Promise<void> {
  if (orders.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.customer_orders (order_id, buyer_id, currency, paid_at, gross_cents)
    SELECT * FROM unnest(${orders.map((o) => o.orderId)}::uuid[], ${orders.map((o) => o.buyerId)}::uuid[],
      ${orders.map((o) => o.currency)}::char(3)[], ${orders.map((o) => o.paidAt.toISOString())}::timestamptz[],
      ${orders.map((o) => o.grossCents)}::bigint[])
    ON CONFLICT (order_id) DO NOTHING`;
}

async function writeCustomerRefunds(tx: Tx, refunds: readonly CustomerRefund[]): Promise<void> {
  if (refunds.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.customer_refunds (refund_id, order_id, amount_cents, refunded_at)
    SELECT * FROM unnest(${refunds.map((r) => r.refundId)}::uuid[], ${refunds.map((r) => r.orderId)}::uuid[],
      ${refunds.map((r) => r.amountCents)}::bigint[], ${refunds.map((r) => r.refundedAt.toISOString())}::timestamptz[])
    ON CONFLICT (refund_id) DO NOTHING`;
}

async function writeEventOwners(tx: Tx, owners: readonly { eventId: string; organizerId: string }[]): Promise<void> {
  if (owners.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.event_owners (event_id, organizer_id)
    SELECT * FROM unnest(${owners.map((o) => o.eventId)}::uuid[], ${owners.map((o) => o.organizerId)}::uuid[])
    ON CONFLICT (event_id) DO NOTHING`;
}

async function writeAttendance(tx: Tx, deltas: readonly AttendanceDelta[]): Promise<void> {
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

async function writeTicketTypesSold(tx: Tx, deltas: readonly TicketTypeSoldDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO reports.ticket_type_stock AS t (ticket_type_id, event_id, organizer_id, sold)
    SELECT * FROM unnest(${deltas.map((d) => d.ticketTypeId)}::uuid[], ${deltas.map((d) => d.eventId)}::uuid[],
      ${deltas.map((d) => d.organizerId)}::uuid[], ${deltas.map((d) => d.sold)}::int[])
    ON CONFLICT (ticket_type_id) DO UPDATE SET sold = t.sold + excluded.sold`;
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
