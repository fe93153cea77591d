/**
 * Reads of the read model. Periods are computed here, in SQL, from UTC quarter-hour buckets:
 * a local day, week or month starts at `date_trunc(unit, bucket AT TIME ZONE tz) AT TIME ZONE
 * tz` (so a DST day is 23 or 25 hours long), and a local hour at the bucket minus its local
 * minutes, which keeps the two 02:00 hours of a DST fall-back apart.
 */
import { Prisma } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';
import { DAY_ROLLUP_ZONE, PLATFORM, type ScopeKind } from './read-model';

/** Whose figures: the platform, one seller, or one event. */
export interface Scope {
  kind: ScopeKind;
  id: string;
}

export const platformScope: Scope = { kind: 'ALL', id: PLATFORM };

export type Unit = 'hour' | 'day' | 'week' | 'month';

/**
 * The start of the local period of `timeZone` that the instant `at` (an SQL expression) falls
 * in. Every UTC offset is a whole number of minutes, so a local hour starts at the instant's
 * minute minus its local minutes.
 */
export const periodStart = (
  at: Prisma.Sql,
  unit: Unit,
  timeZone: string,
): Prisma.Sql => Prisma.sql`CASE WHEN ${unit} = 'hour'
    THEN date_trunc('minute', ${at}) - make_interval(mins => extract(minute FROM ${at} AT TIME ZONE ${timeZone})::int)
    ELSE date_trunc(${unit}, ${at} AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone} END`;

/** The sums of one period (or range) in one currency. */
export interface SalesRow {
  start: Date;
  currency: string;
  orders: number;
  grossCents: number;
  refunds: number;
  refundCents: number;
  ticketsSold: number;
  ticketsRefunded: number;
  unitsSold: number;
  unitsRefunded: number;
  cancelledOrders: number;
}

interface RawSales {
  start: Date;
  currency: string;
  orders: bigint;
  gross_cents: bigint;
  refunds: bigint;
  refund_cents: bigint;
  tickets_sold: bigint;
  tickets_refunded: bigint;
  units_sold: bigint;
  units_refunded: bigint;
  cancelled_orders: bigint;
}

const toSales = (r: RawSales): SalesRow => ({
  start: r.start,
  currency: r.currency,
  orders: Number(r.orders),
  grossCents: Number(r.gross_cents),
  refunds: Number(r.refunds),
  refundCents: Number(r.refund_cents),
  ticketsSold: Number(r.tickets_sold),
  ticketsRefunded: Number(r.tickets_refunded),
  unitsSold: Number(r.units_sold),
  unitsRefunded: Number(r.units_refunded),
  cancelledOrders: Number(r.cancelled_orders),
});

const COUNTERS = Prisma.sql`orders, gross_cents, refunds, refund_cents, tickets_sold, tickets_refunded, units_sold,
  units_refunded, cancelled_orders`;

/**
 * The sales rows of `scope` (in `currency`, when given) in [from, to), one per period start
 * (`bucketStart` of a quarter-hour bucket, `dayStart` of a day of `DAY_ROLLUP_ZONE`) and
 * currency. With `days`, the whole local days of the range are read from `sales_days` and
 * only the quarter-hours of its partial first and last days from `sales_buckets`: a year by
 * day is some 366 rows per currency instead of 35,000.
 */
async function sumSales(
  db: Db,
  q: { scope: Scope; from: Date; to: Date; currency?: string },
  bucketStart: Prisma.Sql,
  days?: Prisma.Sql,
): Promise<SalesRow[]> {
  const inScope = (t: string) =>
    Prisma.sql`${Prisma.raw(t)}.scope_kind = ${q.scope.kind} AND ${Prisma.raw(t)}.scope_id = ${q.scope.id}::uuid
      AND (${q.currency ?? null}::text IS NULL OR ${Prisma.raw(t)}.currency = ${q.currency ?? null})`;
  const source = days
    ? Prisma.sql`
      WITH bounds AS (
        SELECT d0, d1,
          CASE WHEN d0 < d1 THEN d0::timestamp AT TIME ZONE ${DAY_ROLLUP_ZONE} ELSE ${q.to}::timestamptz END AS t0,
          CASE WHEN d0 < d1 THEN d1::timestamp AT TIME ZONE ${DAY_ROLLUP_ZONE} ELSE ${q.to}::timestamptz END AS t1
        FROM (SELECT CASE WHEN f = date_trunc('day', f) THEN f::date ELSE f::date + 1 END AS d0,
            (${q.to}::timestamptz AT TIME ZONE ${DAY_ROLLUP_ZONE})::date AS d1
          FROM (SELECT ${q.from}::timestamptz AT TIME ZONE ${DAY_ROLLUP_ZONE} AS f) x) y
      ), rows AS (
        SELECT ${days} AS start, d.currency, ${COUNTERS} FROM reports.sales_days d
        WHERE ${inScope('d')} AND d.day >= (SELECT d0 FROM bounds) AND d.day < (SELECT d1 FROM bounds)
        UNION ALL
        SELECT ${bucketStart} AS start, b.currency, ${COUNTERS} FROM reports.sales_buckets b
        WHERE ${inScope('b')} AND b.bucket >= ${q.from} AND b.bucket < (SELECT t0 FROM bounds)
        UNION ALL
        SELECT ${bucketStart} AS start, b.currency, ${COUNTERS} FROM reports.sales_buckets b
        WHERE ${inScope('b')} AND b.bucket >= (SELECT t1 FROM bounds) AND b.bucket < ${q.to}
      )`
    : Prisma.sql`
      WITH rows AS (
        SELECT ${bucketStart} AS start, b.currency, ${COUNTERS} FROM reports.sales_buckets b
        WHERE ${inScope('b')} AND b.bucket >= ${q.from} AND b.bucket < ${q.to}
      )`;
  const rows = await db.$queryRaw<RawSales[]>`${source}
    SELECT start, currency, sum(orders) AS orders, sum(gross_cents) AS gross_cents, sum(refunds) AS refunds,
      sum(refund_cents) AS refund_cents, sum(tickets_sold) AS tickets_sold, sum(tickets_refunded) AS tickets_refunded,
      sum(units_sold) AS units_sold, sum(units_refunded) AS units_refunded, sum(cancelled_orders) AS cancelled_orders
    FROM rows GROUP BY start, currency ORDER BY start, currency`;
  return rows.map(toSales);
}

/**
 * Sales of `scope` in [from, to) by local period of `timeZone`, per currency (only periods
 * with rows). `from` and `to` are quarter-hour instants. Days, weeks and months of
 * `DAY_ROLLUP_ZONE` add up its day rollup; anything else the quarter-hours (the primary key's
 * range (scope, bucket)).
 */
export async function salesByPeriod(
  db: Db,
  q: { scope: Scope; from: Date; to: Date; unit: Unit; timeZone: string; currency?: string },
): Promise<SalesRow[]> {
  const bucketStart = periodStart(Prisma.sql`b.bucket`, q.unit, q.timeZone);
  const rolledUp = q.unit !== 'hour' && q.timeZone === DAY_ROLLUP_ZONE;
  const days = Prisma.sql`date_trunc(${q.unit}, d.day::timestamp) AT TIME ZONE ${DAY_ROLLUP_ZONE}`;
  return sumSales(db, q, bucketStart, rolledUp ? days : undefined);
}

/** Sales of `scope` in [from, to) (all time without them), one row per currency (`start`: `from`). */
export async function salesTotals(
  db: Db,
  q: { scope: Scope; from?: Date; to?: Date; currency?: string },
): Promise<SalesRow[]> {
  const from = q.from ?? new Date(0);
  // Every quarter-hour falls in one day, so whole days of any zone add up to the same totals.
  const start = Prisma.sql`${from}::timestamptz`;
  return sumSales(db, { ...q, from, to: q.to ?? new Date(ALL_TIME_END) }, start, start);
}

/** Beyond any instant a sale is recorded at (`salesTotals` of all time). */
const ALL_TIME_END = Date.UTC(9999, 0, 1);

/** The organizer of each known event (events never seen by reports are missing). */
export async function findEventOwners(
  db: Db | Tx,
  eventIds: readonly string[],
): Promise<{ id: string; organizerId: string }[]> {
  const rows = await db.reportEventOwner.findMany({ where: { eventId: { in: [...eventIds] } } });
  return rows.map((r) => ({ id: r.eventId, organizerId: r.organizerId }));
}

export interface AttendanceRow {
  id: string;
  issued: number;
  voided: number;
  checkedIn: number;
}

export async function findAttendance(db: Db, eventIds: readonly string[]): Promise<AttendanceRow[]> {
  const rows = await db.reportAttendance.findMany({ where: { eventId: { in: [...eventIds] } } });
  return rows.map((r) => ({ id: r.eventId, issued: r.issued, voided: r.voided, checkedIn: r.checkedIn }));
}

/** Scans of `scope`'s events that count (not voided), in [from, to). */
export async function countCheckIns(db: Db, scope: Scope, from: Date, to: Date): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM reports.check_ins c
    WHERE c.checked_in_at >= ${from} AND c.checked_in_at < ${to} AND NOT c.voided
      AND (${scope.kind} = 'ALL'
        OR (${scope.kind} = 'EVENT' AND c.event_id = ${scope.id}::uuid)
        OR (${scope.kind} = 'SELLER' AND c.event_id IN
          (SELECT event_id FROM reports.event_owners WHERE organizer_id = ${scope.id}::uuid)))`;
  return Number(row!.n);
}

export interface CheckInRow {
  ticketId: string;
  eventId: string;
  checkedInAt: Date;
}

/** The latest scans of `scope`'s events that count, newest first. */
export async function recentCheckIns(db: Db, scope: Scope, limit: number): Promise<CheckInRow[]> {
  const rows = await db.$queryRaw<{ ticket_id: string; event_id: string; checked_in_at: Date }[]>`
    SELECT c.ticket_id, c.event_id, c.checked_in_at FROM reports.check_ins c
    WHERE c.checked_in_at IS NOT NULL AND NOT c.voided
      AND (${scope.kind} = 'ALL'
        OR (${scope.kind} = 'EVENT' AND c.event_id = ${scope.id}::uuid)
        OR (${scope.kind} = 'SELLER' AND c.event_id IN
          (SELECT event_id FROM reports.event_owners WHERE organizer_id = ${scope.id}::uuid)))
    ORDER BY c.checked_in_at DESC, c.ticket_id
    LIMIT ${limit}`;
  return rows.map((r) => ({ ticketId: r.ticket_id, eventId: r.event_id, checkedInAt: r.checked_in_at }));
}

export interface SupportQueueRow {
  ticketId: string;
  number: number | null;
  priority: string | null;
  channel: string | null;
  createdAt: Date | null;
}

/** Opened and never resolved; a ticket reopened after its resolution is not seen (no event says so). */
export async function openSupportTickets(db: Db, limit: number): Promise<{ count: number; oldest: SupportQueueRow[] }> {
  const count = await db.reportSupportTicket.count({ where: { resolvedAt: null, createdAt: { not: null } } });
  const oldest = await db.reportSupportTicket.findMany({
    where: { resolvedAt: null, createdAt: { not: null } },
    orderBy: [{ createdAt: 'asc' }, { ticketId: 'asc' }],
    take: limit,
  });
  return {
    count,
    oldest: oldest.map((t) => ({
      ticketId: t.ticketId,
      number: t.number,
      priority: t.priority,
      channel: t.channel,
      createdAt: t.createdAt,
    })),
  };
}

/** Points awarded in [from, to), net of reversals (ADMIN adjustments and redemptions left out). */
export async function pointsAwarded(db: Db, from: Date, to: Date): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint | null }[]>`
    SELECT sum(amount) AS n FROM reports.points_entries
    WHERE occurred_at >= ${from} AND occurred_at < ${to} AND kind IN ('AWARD', 'REVERSAL')`;
  return Number(row!.n ?? 0);
}

export function usersRegistered(db: Db, from: Date, to: Date): Promise<number> {
  return db.reportUser.count({ where: { registeredAt: { gte: from, lt: to } } });
}

/** Today in `timeZone` as of `now`: its local date and its [start, end) instants (23 or 25 hours on DST days). */
export async function localDay(
  db: Db,
  now: Date,
  timeZone: string,
): Promise<{ label: string; start: Date; end: Date }> {
  const [row] = await db.$queryRaw<{ label: string; start: Date; end: Date }[]>`
    SELECT to_char(d, 'YYYY-MM-DD') AS label, d AT TIME ZONE ${timeZone} AS start,
      (d + interval '1 day') AT TIME ZONE ${timeZone} AS "end"
    FROM (SELECT date_trunc('day', ${now}::timestamptz AT TIME ZONE ${timeZone}) AS d) t`;
  return row!;
}

/** A row of a top list: one product, event or seller's sales (all time, or of a period) in one currency. */
export interface TopRow {
  id: string;
  currency: string;
  orders: number;
  grossCents: number;
  refundCents: number;
  /** Net admission tickets (events, sellers). */
  ticketsSold: number;
  /** Net product units (products, sellers). */
  unitsSold: number;
}

interface RawTop {
  id: string;
  orders: bigint | number;
  gross_cents: bigint;
  refund_cents: bigint;
  tickets: bigint | number;
  units: bigint | number;
}

const toTop = (currency: string) => (r: RawTop) => ({
  id: r.id,
  currency,
  orders: Number(r.orders),
  grossCents: Number(r.gross_cents),
  refundCents: Number(r.refund_cents),
  ticketsSold: Number(r.tickets),
  unitsSold: Number(r.units),
});

/** A half-open range of quarter-hour instants, [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

/**
 * The products or events with the highest net sales in `currency` (of `sellerId`, when given):
 * all time from one row per item, or within `range` from the items' quarter-hours.
 */
export async function topItems(
  db: Db,
  q: { kind: 'PRODUCT' | 'EVENT'; currency: string; sellerId?: string; range?: Range; limit: number },
): Promise<TopRow[]> {
  const sellerId = q.sellerId ?? null;
  const rows = q.range
    ? await db.$queryRaw<RawTop[]>`
        SELECT i.item_id::text AS id, sum(i.orders) AS orders, sum(i.gross_cents) AS gross_cents,
          sum(i.refund_cents) AS refund_cents,
          CASE WHEN ${q.kind} = 'EVENT' THEN sum(i.units_sold - i.units_refunded) ELSE 0 END AS tickets,
          CASE WHEN ${q.kind} = 'PRODUCT' THEN sum(i.units_sold - i.units_refunded) ELSE 0 END AS units
        FROM reports.sales_item_buckets i
        WHERE i.item_kind = ${q.kind} AND i.currency = ${q.currency}
          AND i.bucket >= ${q.range.from} AND i.bucket < ${q.range.to}
          AND (${sellerId}::uuid IS NULL OR i.seller_id = ${sellerId}::uuid)
        GROUP BY i.item_id
        ORDER BY sum(i.gross_cents) - sum(i.refund_cents) DESC, i.item_id
        LIMIT ${q.limit}`
    : await db.$queryRaw<RawTop[]>`
        SELECT i.item_id::text AS id, i.orders, i.gross_cents, i.refund_cents,
          CASE WHEN i.item_kind = 'EVENT' THEN i.units_sold - i.units_refunded ELSE 0 END AS tickets,
          CASE WHEN i.item_kind = 'PRODUCT' THEN i.units_sold - i.units_refunded ELSE 0 END AS units
        FROM reports.sales_items i
        WHERE i.item_kind = ${q.kind} AND i.currency = ${q.currency}
          AND (${sellerId}::uuid IS NULL OR i.seller_id = ${sellerId}::uuid)
        ORDER BY i.gross_cents - i.refund_cents DESC, i.item_id
        LIMIT ${q.limit}`;
  return rows.map(toTop(q.currency));
}

/** The sellers with the highest net sales in `currency`, from their buckets (within `range`, if given). */
export async function topSellers(db: Db, q: { currency: string; range?: Range; limit: number }): Promise<TopRow[]> {
  const from = q.range?.from ?? null;
  const to = q.range?.to ?? null;
  const rows = await db.$queryRaw<RawTop[]>`
    SELECT b.scope_id::text AS id, sum(b.orders) AS orders, sum(b.gross_cents) AS gross_cents,
      sum(b.refund_cents) AS refund_cents, sum(b.tickets_sold - b.tickets_refunded) AS tickets,
      sum(b.units_sold - b.units_refunded) AS units
    FROM reports.sales_buckets b
    WHERE b.scope_kind = 'SELLER' AND b.currency = ${q.currency}
      AND (${from}::timestamptz IS NULL OR b.bucket >= ${from}::timestamptz)
      AND (${to}::timestamptz IS NULL OR b.bucket < ${to}::timestamptz)
    GROUP BY b.scope_id
    ORDER BY sum(b.gross_cents) - sum(b.refund_cents) DESC, b.scope_id
    LIMIT ${q.limit}`;
  return rows.map(toTop(q.currency));
}

/** A product or ticket type with few left. */
export interface LowStockRow {
  kind: 'PRODUCT' | 'TICKET_TYPE';
  id: string;
  name: string;
  sellerId: string;
  /** The ticket type's event (null for a product). */
  eventId: string | null;
  remaining: number;
  total: number;
}

/**
 * Products with at most `threshold` units for sale, and ticket types of published events with
 * at most `threshold` tickets left (capacity minus sold), fewest left first (then products
 * first, then by id); of `sellerId` when given. A ticket type whose capacity reports has not
 * seen yet is left out.
 */
export async function lowStock(
  db: Db,
  q: { threshold: number; sellerId?: string; limit: number },
): Promise<LowStockRow[]> {
  const rows = await db.$queryRaw<
    {
      kind: 'PRODUCT' | 'TICKET_TYPE';
      id: string;
      name: string;
      seller_id: string;
      event_id: string | null;
      remaining: number;
      total: number;
    }[]
  >`
    SELECT * FROM (
      SELECT 'PRODUCT' AS kind, p.product_id::text AS id, p.name, p.seller_id::text, NULL::text AS event_id,
        p.available AS remaining, p.on_hand AS total
      FROM reports.product_stock p
      WHERE p.available <= ${q.threshold}
        AND (${q.sellerId ?? null}::uuid IS NULL OR p.seller_id = ${q.sellerId ?? null}::uuid)
      UNION ALL
      SELECT 'TICKET_TYPE', t.ticket_type_id::text, t.name, t.organizer_id::text, t.event_id::text,
        GREATEST(t.capacity - t.sold, 0), t.capacity
      FROM reports.ticket_type_stock t
      WHERE t.capacity IS NOT NULL AND t.event_status = 'PUBLISHED' AND t.capacity - t.sold <= ${q.threshold}
        AND (${q.sellerId ?? null}::uuid IS NULL OR t.organizer_id = ${q.sellerId ?? null}::uuid)
    ) x
    ORDER BY remaining, kind, id
    LIMIT ${q.limit}`;
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    name: r.name,
    sellerId: r.seller_id,
    eventId: r.event_id,
    remaining: Number(r.remaining),
    total: Number(r.total),
  }));
}

/** A category's product sales in one currency: its own, and rolled up with its subcategories'. */
export interface CategorySalesRow {
  /** `UNCATEGORISED` for lines without a category. */
  categoryId: string;
  /** As last announced (null: a category reports has not seen announced, or uncategorised). */
  parentId: string | null;
  name: string | null;
  currency: string;
  grossCents: number;
  refundCents: number;
  unitsSold: number;
  unitsRefunded: number;
  ownGrossCents: number;
  ownRefundCents: number;
}

/**
 * Product sales per category of [range) (all time without it), of `sellerId` when given, per
 * currency: each category with sales in itself or below, its figures including every
 * subcategory's (each category's own sales are added to it and to each of its ancestors in
 * the current tree; UNION stops at a cycle).
 */
export async function categorySales(
  db: Db,
  q: { sellerId?: string; range?: Range; currency?: string },
): Promise<CategorySalesRow[]> {
  const sellerId = q.sellerId ?? null;
  const from = q.range?.from ?? null;
  const to = q.range?.to ?? null;
  const currency = q.currency ?? null;
  const rows = await db.$queryRaw<
    {
      category_id: string;
      parent_id: string | null;
      name: string | null;
      currency: string;
      gross_cents: bigint;
      refund_cents: bigint;
      units_sold: bigint;
      units_refunded: bigint;
      own_gross_cents: bigint;
      own_refund_cents: bigint;
    }[]
  >`
    WITH RECURSIVE own AS (
      SELECT s.category_id, s.currency, sum(s.gross_cents) AS gross_cents, sum(s.refund_cents) AS refund_cents,
        sum(s.units_sold) AS units_sold, sum(s.units_refunded) AS units_refunded
      FROM reports.category_sales s
      WHERE (${sellerId}::uuid IS NULL OR s.seller_id = ${sellerId}::uuid)
        AND (${from}::timestamptz IS NULL OR s.bucket >= ${from}::timestamptz)
        AND (${to}::timestamptz IS NULL OR s.bucket < ${to}::timestamptz)
        AND (${currency}::text IS NULL OR s.currency = ${currency}::text)
      GROUP BY s.category_id, s.currency
    ), up AS (
      SELECT DISTINCT category_id AS leaf, category_id AS node FROM own
      UNION
      SELECT up.leaf, c.parent_id FROM up JOIN reports.categories c ON c.category_id = up.node
      WHERE c.parent_id IS NOT NULL
    )
    SELECT up.node::text AS category_id, c.parent_id::text, c.name, own.currency,
      sum(own.gross_cents) AS gross_cents, sum(own.refund_cents) AS refund_cents,
      sum(own.units_sold) AS units_sold, sum(own.units_refunded) AS units_refunded,
      COALESCE(sum(own.gross_cents) FILTER (WHERE up.leaf = up.node), 0) AS own_gross_cents,
      COALESCE(sum(own.refund_cents) FILTER (WHERE up.leaf = up.node), 0) AS own_refund_cents
    FROM up JOIN own ON own.category_id = up.leaf
    LEFT JOIN reports.categories c ON c.category_id = up.node
    GROUP BY up.node, c.parent_id, c.name, own.currency`;
  return rows.map((r) => ({
    categoryId: r.category_id,
    parentId: r.parent_id,
    name: r.name,
    currency: r.currency,
    grossCents: Number(r.gross_cents),
    refundCents: Number(r.refund_cents),
    unitsSold: Number(r.units_sold),
    unitsRefunded: Number(r.units_refunded),
    ownGrossCents: Number(r.own_gross_cents),
    ownRefundCents: Number(r.own_refund_cents),
  }));
}

export type Segment = 'NEW' | 'ACTIVE' | 'LOYAL' | 'AT_RISK' | 'LOST';

/** A segment's buyers and their orders (`currency` null), or their net spend in one currency. */
export interface SegmentRow {
  segment: Segment;
  currency: string | null;
  customers: number;
  orders: number;
  netCents: number;
}

/**
 * Buyers by segment as of `asOf` (domain/segments.ts has the rules; the instants here are
 * its thresholds): only orders paid and refunds made by then count; an order counts towards
 * recency and frequency unless refunded in full by then. One row per segment (`currency`
 * null: buyers, orders) and one per segment and currency (net spend of the segment's buyers).
 * Each buyer's figures are summed per currency first, so neither result needs a DISTINCT
 * (which sorted every order). It reads every order paid by `asOf`: a full scan (about 1 s for
 * 200,000 orders on the 2-core test machine).
 */
export async function customerSegments(
  db: Db,
  q: { asOf: Date; newSince: Date; activeSince: Date; atRiskSince: Date; loyalSince: Date; loyalOrders: number },
): Promise<SegmentRow[]> {
  const rows = await db.$queryRaw<
    { segment: Segment; currency: string | null; customers: bigint; orders: bigint; net_cents: bigint }[]
  >`
    WITH refunded AS (
      SELECT r.order_id, sum(r.amount_cents) AS cents FROM reports.customer_refunds r
      WHERE r.refunded_at <= ${q.asOf} GROUP BY r.order_id
    ), o AS (
      SELECT o.buyer_id, o.currency, o.paid_at, o.gross_cents - COALESCE(r.cents, 0) AS net_cents,
        (o.gross_cents = 0 OR COALESCE(r.cents, 0) < o.gross_cents) AS counted
      FROM reports.customer_orders o LEFT JOIN refunded r ON r.order_id = o.order_id
      WHERE o.paid_at <= ${q.asOf}
    ), spent AS (
      SELECT o.buyer_id, o.currency, sum(o.net_cents) AS net_cents, count(*) FILTER (WHERE o.counted) AS orders,
        min(o.paid_at) FILTER (WHERE o.counted) AS first_at, max(o.paid_at) FILTER (WHERE o.counted) AS last_at,
        count(*) FILTER (WHERE o.counted AND o.paid_at > ${q.loyalSince}) AS recent_orders
      FROM o GROUP BY o.buyer_id, o.currency
    ), buyers AS (
      SELECT buyer_id, min(first_at) AS first_at, max(last_at) AS last_at, sum(orders) AS orders,
        sum(recent_orders) AS recent_orders
      FROM spent GROUP BY buyer_id HAVING sum(orders) > 0
    ), seg AS (
      SELECT b.buyer_id, b.orders, CASE
          WHEN b.first_at > ${q.newSince} THEN 'NEW'
          WHEN b.last_at > ${q.activeSince} AND b.recent_orders >= ${q.loyalOrders} THEN 'LOYAL'
          WHEN b.last_at > ${q.activeSince} THEN 'ACTIVE'
          WHEN b.last_at > ${q.atRiskSince} THEN 'AT_RISK'
          ELSE 'LOST' END AS segment
      FROM buyers b
    )
    SELECT segment, NULL AS currency, count(*) AS customers, sum(orders) AS orders, 0 AS net_cents
    FROM seg GROUP BY segment
    UNION ALL
    SELECT s.segment, p.currency, 0, 0, sum(p.net_cents)
    FROM seg s JOIN spent p ON p.buyer_id = s.buyer_id
    GROUP BY s.segment, p.currency`;
  return rows.map((r) => ({
    segment: r.segment,
    currency: r.currency,
    customers: Number(r.customers),
    orders: Number(r.orders),
    netCents: Number(r.net_cents),
  }));
}
