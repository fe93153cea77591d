import type { Tx } from '../../../../shared/db';
import type { AfterCommit, BeforeCommit, EventHandlers } from '../../../../shared/events/bus';
import type { DomainEvent, EventCatalog, EventOrderLine } from '../../../../shared/events/catalog';
import {
  PLATFORM,
  UNCATEGORISED,
  SalesWrites,
  recordCategory,
  recordCheckIn,
  recordGamificationFact,
  recordPoints,
  recordProductStock,
  recordTicketTypeCapacity,
  recordUser,
  supportTicketAnswered,
  supportTicketBreached,
  supportTicketOpened,
  supportTicketRated,
  supportTicketResolved,
  voidCheckIn,
  type BucketDelta,
  type CategoryDelta,
  type ItemDelta,
} from '../data/read-model';
import { findEventOwners, type Scope } from '../data/queries';
import type { ReportsRealtime } from '../realtime';
import { quarterHour } from './periods';

/** The one consumer of reports: its name keys `processed_events`, its cursor and its rebuild. */
export const READ_MODEL_CONSUMER = 'reports.read-model';

/**
 * `reports.read-model`: other domains' events folded into the read model, each applied once
 * (`applyOnce`). Every figure is a sum of additions, so events delivered late or out of order
 * (a refund before its payment, a void before its check-in) end at the figures of commit
 * order. The additions and once-only facts of a transaction's events (a batch's) are merged
 * in a `SalesWrites` and written by `beforeCommit`, one statement per table; the facts kept
 * by recency (stock, capacity, support tickets, check-ins) are written by each event. After
 * the commit, the dashboards whose figures changed are told (coalesced).
 */
export function readModelConsumer(deps: { realtime: Pick<ReportsRealtime, 'changed'> }): {
  handlers: EventHandlers;
  beforeCommit: BeforeCommit;
} {
  // One per consumer transaction: the bus hands every handler of a transaction the same `tx`.
  const pending = new WeakMap<Tx, SalesWrites>();
  const writesOf = (tx: Tx) => {
    let writes = pending.get(tx);
    if (!writes) pending.set(tx, (writes = new SalesWrites()));
    return writes;
  };

  /** Runs `work`, then announces the scopes it touched once the transaction committed. */
  const announcing =
    <T extends keyof EventCatalog>(
      work: (tx: Tx, writes: SalesWrites, payload: EventCatalog[T], event: DomainEvent<T>) => Promise<Scope[]>,
    ) =>
    async (tx: Tx, event: DomainEvent<T>, afterCommit: AfterCommit) => {
      const scopes = await work(tx, writesOf(tx), event.payload, event);
      afterCommit(async () => deps.realtime.changed(scopes));
    };

  const handlers: EventHandlers = {
    OrderPaid: announcing<'OrderPaid'>(async (_tx, writes, paid) => {
      writes.recordEventOwners(eventOwners(paid.lines));
      const bucket = quarterHour(new Date(paid.paidAt));
      writes.addToItems(itemDeltas(paid.currency, bucket, paid.lines, 'sold'));
      writes.addToCategorySales(categoryDeltas(paid.currency, bucket, paid.lines, 'sold'));
      writes.recordCustomerOrder({
        orderId: paid.orderId,
        buyerId: paid.buyerId,
        currency: paid.currency,
        paidAt: new Date(paid.paidAt),
        grossCents: value(paid.lines),
      });
      writes.addToTicketTypesSold(ticketTypeDeltas(paid.lines, 1));
      return addToScopes(writes, paid.currency, bucket, paid.lines, (lines) => ({
        orders: 1,
        grossCents: value(lines),
        ticketsSold: units(lines, 'ticket'),
        unitsSold: units(lines, 'product'),
      }));
    }),
    OrderRefunded: announcing<'OrderRefunded'>(async (_tx, writes, r) => {
      const bucket = quarterHour(new Date(r.refundedAt));
      writes.addToItems(itemDeltas(r.currency, bucket, r.lines, 'refunded'));
      writes.addToCategorySales(categoryDeltas(r.currency, bucket, r.lines, 'refunded'));
      writes.recordCustomerRefund({
        refundId: r.refundId,
        orderId: r.orderId,
        amountCents: value(r.lines),
        refundedAt: new Date(r.refundedAt),
      });
      writes.addToTicketTypesSold(ticketTypeDeltas(r.lines, -1));
      return addToScopes(writes, r.currency, bucket, r.lines, (lines) => ({
        refunds: 1,
        refundCents: value(lines),
        ticketsRefunded: units(lines, 'ticket'),
        unitsRefunded: units(lines, 'product'),
      }));
    }),
    OrderCancelled: announcing<'OrderCancelled'>(async (_tx, writes, c) =>
      addToScopes(writes, c.currency, quarterHour(new Date(c.closedAt)), c.lines, (lines) => ({
        cancelledOrders: 1,
        cancelledCents: value(lines),
      })),
    ),
    TicketTypeChanged: announcing<'TicketTypeChanged'>(async (tx, writes, t, event) => {
      writes.recordEventOwners([{ eventId: t.eventId, organizerId: t.organizerId }]);
      // The payload has no version of its own: the outbox `seq` orders a ticket type's changes.
      await recordTicketTypeCapacity(tx, {
        ticketTypeId: t.ticketTypeId,
        eventId: t.eventId,
        organizerId: t.organizerId,
        name: t.name,
        capacity: t.capacity,
        eventStatus: t.eventStatus,
        version: BigInt(event.seq),
      });
      return [];
    }),
    CategoryChanged: announcing<'CategoryChanged'>(async (tx, _writes, c) => {
      await recordCategory(tx, { ...c, changedAt: new Date(c.changedAt) });
      return [];
    }),
    StockChanged: announcing<'StockChanged'>(async (tx, _writes, s) => {
      await recordProductStock(tx, { ...s, name: s.productName });
      return [];
    }),
    TicketsIssued: announcing<'TicketsIssued'>(async (tx, writes, issued) => {
      const perEvent = countBy(issued.tickets.map((t) => t.eventId));
      writes.addToAttendance([...perEvent].map(([eventId, n]) => ({ eventId, issued: n })));
      return eventScopes(tx, writes, [...perEvent.keys()]);
    }),
    TicketCheckedIn: announcing<'TicketCheckedIn'>(async (tx, writes, c) => {
      await recordCheckIn(tx, { ...c, checkedInAt: new Date(c.checkedInAt) });
      writes.addToAttendance([{ eventId: c.eventId, checkedIn: 1 }]);
      return eventScopes(tx, writes, [c.eventId]);
    }),
    TicketVoided: announcing<'TicketVoided'>(async (tx, writes, v) => {
      if (v.wasCheckedIn) await voidCheckIn(tx, v);
      writes.addToAttendance([{ eventId: v.eventId, voided: 1, checkedIn: v.wasCheckedIn ? -1 : 0 }]);
      return eventScopes(tx, writes, [v.eventId]);
    }),
    SupportTicketCreated: announcing<'SupportTicketCreated'>(async (tx, _writes, t) => {
      await supportTicketOpened(tx, { ...t, createdAt: new Date(t.createdAt) });
      return [PLATFORM_SCOPE];
    }),
    SupportTicketResolved: announcing<'SupportTicketResolved'>(async (tx, _writes, t) => {
      await supportTicketResolved(tx, {
        ticketId: t.ticketId,
        number: t.number,
        resolvedAt: new Date(t.resolvedAt),
        firstResponseAt: t.firstResponseAt ? new Date(t.firstResponseAt) : null,
        slaBreached: t.slaBreached,
        rating: t.satisfaction?.rating ?? null,
      });
      return [PLATFORM_SCOPE];
    }),
    SupportReplyPosted: announcing<'SupportReplyPosted'>(async (tx, _writes, reply) => {
      // Only agents' replies to the customer are announced, so an older event without
      // `firstResponseAt` is an answer too: the earliest one is the first response.
      const firstResponseAt = new Date(reply.firstResponseAt ?? reply.postedAt);
      await supportTicketAnswered(tx, { ticketId: reply.ticketId, number: reply.number, firstResponseAt });
      return [];
    }),
    SupportSlaBreached: announcing<'SupportSlaBreached'>(async (tx, _writes, b) => {
      await supportTicketBreached(tx, b);
      return [];
    }),
    SupportTicketRated: announcing<'SupportTicketRated'>(async (tx, _writes, rated) => {
      await supportTicketRated(tx, rated);
      return [];
    }),
    UserChanged: announcing<'UserChanged'>(async (tx, _writes, u) => {
      await recordUser(tx, u.userId, new Date(u.changedAt));
      return [PLATFORM_SCOPE];
    }),
    PointsAwarded: announcing<'PointsAwarded'>(async (tx, _writes, p) => {
      await recordPoints(tx, { ...p, occurredAt: new Date(p.occurredAt) });
      return [PLATFORM_SCOPE];
    }),
    BadgeAwarded: announcing<'BadgeAwarded'>(async (tx, _writes, b) => {
      const key = `${b.userId}:${b.badgeId}`;
      await recordGamificationFact(tx, { kind: 'BADGE', key, userId: b.userId, occurredAt: new Date(b.awardedAt) });
      return [];
    }),
    LevelReached: announcing<'LevelReached'>(async (tx, _writes, l) => {
      const key = `${l.userId}:${l.levelId}`;
      await recordGamificationFact(tx, { kind: 'LEVEL', key, userId: l.userId, occurredAt: new Date(l.reachedAt) });
      return [];
    }),
    RewardRedeemed: announcing<'RewardRedeemed'>(async (tx, _writes, r) => {
      await recordGamificationFact(tx, {
        kind: 'REWARD',
        key: r.redemptionId,
        userId: r.userId,
        amount: r.cost,
        occurredAt: new Date(r.redeemedAt),
      });
      return [];
    }),
    ReceiptApproved: announcing<'ReceiptApproved'>(async (tx, _writes, r) => {
      const at = new Date(r.approvedAt);
      await recordGamificationFact(tx, { kind: 'RECEIPT', key: r.receiptId, userId: r.userId, occurredAt: at });
      return [];
    }),
  };
  return {
    handlers,
    async beforeCommit(tx) {
      await pending.get(tx)?.flush(tx);
    },
  };
}

const PLATFORM_SCOPE: Scope = { kind: 'ALL', id: PLATFORM };

/** The scopes a line counts in: the platform, its seller, its event (ticket lines). */
function scopesOf(line: EventOrderLine): Scope[] {
  const scopes: Scope[] = [PLATFORM_SCOPE, { kind: 'SELLER', id: line.sellerId }];
  if (line.eventId) scopes.push({ kind: 'EVENT', id: line.eventId });
  return scopes;
}

const key = (s: Scope) => `${s.kind}:${s.id}`;

/**
 * Adds, for every scope the lines touch, the counters `figures` computes from that scope's
 * lines, into the quarter-hour `bucket`; returns the scopes.
 */
async function addToScopes(
  writes: SalesWrites,
  currency: string,
  bucket: Date,
  lines: readonly EventOrderLine[],
  figures: (lines: EventOrderLine[]) => Omit<BucketDelta, 'scopeKind' | 'scopeId' | 'currency' | 'bucket'>,
): Promise<Scope[]> {
  const byScope = new Map<string, { scope: Scope; lines: EventOrderLine[] }>();
  for (const line of lines)
    for (const scope of scopesOf(line)) {
      const entry = byScope.get(key(scope)) ?? { scope, lines: [] };
      entry.lines.push(line);
      byScope.set(key(scope), entry);
    }
  const groups = [...byScope.values()];
  writes.addToBuckets(
    groups.map(({ scope, lines: inScope }) => ({
      scopeKind: scope.kind,
      scopeId: scope.id,
      currency,
      bucket,
      ...figures(inScope),
    })),
  );
  return groups.map((g) => g.scope);
}

const value = (lines: readonly EventOrderLine[]) => lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);

const units = (lines: readonly EventOrderLine[], kind: 'ticket' | 'product') =>
  lines
    .filter((l) => (kind === 'ticket' ? l.ticketTypeId !== null : l.productId !== null))
    .reduce((sum, l) => sum + l.quantity, 0);

function eventOwners(lines: readonly EventOrderLine[]) {
  const owners = new Map<string, string>();
  for (const l of lines) if (l.eventId) owners.set(l.eventId, l.sellerId);
  return [...owners].map(([eventId, organizerId]) => ({ eventId, organizerId }));
}

/** Adds a line's value and units to the sold or the refunded figures of `d`. */
function addLine(
  d: Pick<ItemDelta, 'grossCents' | 'refundCents' | 'unitsSold' | 'unitsRefunded'>,
  l: EventOrderLine,
  how: 'sold' | 'refunded',
): void {
  const cents = l.quantity * l.unitPriceCents;
  if (how === 'sold') {
    d.grossCents = (d.grossCents ?? 0) + cents;
    d.unitsSold = (d.unitsSold ?? 0) + l.quantity;
  } else {
    d.refundCents = (d.refundCents ?? 0) + cents;
    d.unitsRefunded = (d.unitsRefunded ?? 0) + l.quantity;
  }
}

/** Totals per product and per event (its ticket lines) of these lines. */
function itemDeltas(
  currency: string,
  bucket: Date,
  lines: readonly EventOrderLine[],
  how: 'sold' | 'refunded',
): ItemDelta[] {
  const items = new Map<string, ItemDelta>();
  for (const l of lines) {
    const item = l.productId
      ? { itemKind: 'PRODUCT' as const, itemId: l.productId }
      : l.eventId
        ? { itemKind: 'EVENT' as const, itemId: l.eventId }
        : undefined;
    if (!item) continue;
    const k = `${item.itemKind}:${item.itemId}`;
    const d = items.get(k) ?? { ...item, currency, bucket, sellerId: l.sellerId, orders: how === 'sold' ? 1 : 0 };
    addLine(d, l, how);
    items.set(k, d);
  }
  return [...items.values()];
}

/** Product sales per category and seller of these lines (no category: `UNCATEGORISED`). */
function categoryDeltas(
  currency: string,
  bucket: Date,
  lines: readonly EventOrderLine[],
  how: 'sold' | 'refunded',
): CategoryDelta[] {
  const deltas = new Map<string, CategoryDelta>();
  for (const l of lines) {
    if (!l.productId) continue;
    const categoryId = l.categoryId ?? UNCATEGORISED;
    const k = `${categoryId}:${l.sellerId}`;
    const d = deltas.get(k) ?? { categoryId, sellerId: l.sellerId, currency, bucket };
    addLine(d, l, how);
    deltas.set(k, d);
  }
  return [...deltas.values()];
}

/** Tickets sold (`sign` 1) or refunded (-1) per ticket type of these lines. */
function ticketTypeDeltas(lines: readonly EventOrderLine[], sign: 1 | -1) {
  const deltas = new Map<string, { ticketTypeId: string; eventId: string; organizerId: string; sold: number }>();
  for (const l of lines) {
    if (!l.ticketTypeId || !l.eventId) continue;
    const d = deltas.get(l.ticketTypeId) ?? {
      ticketTypeId: l.ticketTypeId,
      eventId: l.eventId,
      organizerId: l.sellerId,
      sold: 0,
    };
    d.sold += sign * l.quantity;
    deltas.set(l.ticketTypeId, d);
  }
  return [...deltas.values()];
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/**
 * The dashboards an event's admissions show on: the platform's, its organizer's, its own. The
 * organizer may be known only to this transaction (a paid order earlier in the batch).
 */
async function eventScopes(tx: Tx, writes: SalesWrites, eventIds: readonly string[]): Promise<Scope[]> {
  const owners = await findEventOwners(tx, eventIds);
  const organizers = new Set([...owners.map((o) => o.organizerId), ...writes.pendingOwners(eventIds)]);
  return [
    PLATFORM_SCOPE,
    ...eventIds.map((id): Scope => ({ kind: 'EVENT', id })),
    ...[...organizers].map((id): Scope => ({ kind: 'SELLER', id })),
  ];
}
