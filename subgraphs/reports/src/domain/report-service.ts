import type { Db } from '../../../../shared/db';
import { badInput, forbidden } from '../../../../shared/errors';
import { pageSize } from '../../../../shared/pagination';
import { currency as validCurrency, timezone as validTimezone, uuid } from '../../../../shared/validation';
import * as q from '../data/queries';
import type { RequestContext } from '../../../../shared/subgraph';
import type { Context } from '../context';
import type { CategorySalesView, CurrencySalesView, DashboardView, LowStockView, TopItemView } from '../models';
import { canSeeEvent, canSeeSeller, readsReports, seesEverything } from './access';
import { inTreeOrder } from './category-tree';
import { customerSegments } from './segments';
import { UNIT, localParts, periodLabel, rankingRange, reportRange, type Granularity } from './periods';

/** What a report or dashboard asks to see; checked against the viewer by `scopeFor`. */
export interface ScopeRequest {
  organizerId?: string | null;
  eventId?: string | null;
}

export interface SalesReportFilter extends ScopeRequest {
  from: Date;
  to: Date;
  granularity?: Granularity | null;
  timezone?: string | null;
  currency?: string | null;
}

/** The arguments every ranking (top products, events, sellers) takes. */
export interface RankingArgs {
  currency: string;
  from?: Date | null;
  to?: Date | null;
  first?: number | null;
}

/** Rows of a report, as the GraphQL `SalesPeriod` shape. */
export interface SalesPeriodView extends q.SalesRow {
  label: string;
  netCents: number;
}

const RECENT = 10;
const DEFAULT_LOW_STOCK = 10;

/**
 * Reports and dashboards. Every read goes through `scopeFor`, which turns what the viewer asks
 * for into a scope of the read model they may see (FORBIDDEN otherwise), so each figure is
 * computed only for an allowed scope.
 */
export class ReportService {
  constructor(private readonly deps: { db: Db; timeZone: string; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * The scope `request` names, if the viewer may see it. ADMIN: an event, a seller or (by
   * default) the platform; ORGANIZER: their own sales (by default) or one of their events;
   * anyone else FORBIDDEN. An event reports never saw is FORBIDDEN to organizers (it cannot
   * be theirs as far as reports knows) and empty for ADMIN. `field`: the argument `request`
   * came in ('' for arguments of the field itself), which bad input names.
   */
  async scopeFor(ctx: RequestContext, request: ScopeRequest | null | undefined, field: string): Promise<q.Scope> {
    const viewer = ctx.viewer;
    if (!readsReports(viewer)) throw forbidden('Reports are for ADMIN and organizers');
    const at = (name: string) => (field ? `${field}.${name}` : name);
    const organizerId = request?.organizerId ? uuid(at('organizerId'), request.organizerId) : undefined;
    const eventId = request?.eventId ? uuid(at('eventId'), request.eventId) : undefined;
    if (organizerId && !canSeeSeller(viewer, organizerId)) throw forbidden('Organizers see only their own sales');
    if (eventId) {
      const [owner] = await q.findEventOwners(this.deps.db, [eventId]);
      if (!canSeeEvent(viewer, owner?.organizerId)) throw forbidden('Organizers see only their own events');
      if (organizerId && owner && owner.organizerId !== organizerId)
        throw badInput(at('eventId'), `${at('eventId')} is not an event of ${at('organizerId')}`);
      return { kind: 'EVENT', id: eventId };
    }
    if (organizerId) return { kind: 'SELLER', id: organizerId };
    return seesEverything(viewer) ? q.platformScope : { kind: 'SELLER', id: viewer!.userId };
  }

  private timeZone(field: string, requested: string | null | undefined): string {
    return requested ? validTimezone(field, requested) : this.deps.timeZone;
  }

  async salesReport(ctx: RequestContext, filter: SalesReportFilter) {
    const scope = await this.scopeFor(ctx, filter, 'filter');
    const timeZone = this.timeZone('filter.timezone', filter.timezone);
    const currency = filter.currency ? validCurrency('filter.currency', filter.currency) : undefined;
    const granularity = filter.granularity ?? 'DAY';
    const { from, to } = reportRange('filter', filter.from, filter.to, granularity);
    const [periods, totals] = await Promise.all([
      q.salesByPeriod(this.deps.db, { scope, from, to, unit: UNIT[granularity], timeZone, currency }),
      q.salesTotals(this.deps.db, { scope, from, to, currency }),
    ]);
    const view = (row: q.SalesRow): SalesPeriodView => ({
      ...row,
      label: periodLabel(row.start, granularity, timeZone),
      netCents: row.grossCents - row.refundCents,
    });
    return {
      timezone: timeZone,
      granularity,
      periods: periods.map(view),
      totals: totals.map((t) => view({ ...t, start: from })),
    };
  }

  async dashboard(ctx: RequestContext, request: (ScopeRequest & { timezone?: string | null }) | null | undefined) {
    const scope = await this.scopeFor(ctx, request, 'scope');
    const timeZone = this.timeZone('scope.timezone', request?.timezone);
    return this.dashboardOf(scope, timeZone);
  }

  /** The figures of a scope already allowed (`scopeFor`), for today in `timeZone`. */
  async dashboardOf(scope: q.Scope, timeZone: string): Promise<DashboardView> {
    const { db } = this.deps;
    const now = this.now();
    const day = await q.localDay(db, now, timeZone);
    const platform = scope.kind === 'ALL';
    const [today, byHour, checkIns, recent, support, points, users] = await Promise.all([
      q.salesTotals(db, { scope, from: day.start, to: day.end }),
      q.salesByPeriod(db, { scope, from: day.start, to: day.end, unit: 'hour', timeZone }),
      q.countCheckIns(db, scope, day.start, day.end),
      q.recentCheckIns(db, scope, RECENT),
      platform ? q.openSupportTickets(db, RECENT) : undefined,
      platform ? q.pointsAwarded(db, day.start, day.end) : undefined,
      platform ? q.usersRegistered(db, day.start, day.end) : undefined,
    ]);
    const salesToday = today.map(currencySales);
    return {
      organizerId: scope.kind === 'SELLER' ? scope.id : null,
      eventId: scope.kind === 'EVENT' ? scope.id : null,
      timezone: timeZone,
      day: day.label,
      salesToday,
      ticketsSoldToday: salesToday.reduce((sum, s) => sum + s.ticketsSold, 0),
      checkInsToday: checkIns,
      salesByHour: byHour.map((h) => ({
        start: h.start,
        label: localParts(h.start, timeZone).time,
        currency: h.currency,
        orders: h.orders,
        netCents: h.grossCents - h.refundCents,
      })),
      recentCheckIns: recent,
      openSupportTickets: support?.count ?? null,
      supportQueue: support?.oldest ?? null,
      pointsAwardedToday: points ?? null,
      usersRegisteredToday: users ?? null,
      updatedAt: now,
    };
  }

  /** An event's admissions; FORBIDDEN unless the viewer is its organizer or ADMIN. */
  async attendance(ctx: Context, eventId: string) {
    await this.checkEvent(ctx, eventId);
    const a = await ctx.loaders.attendanceByEvent.load(eventId);
    const sold = a ? a.issued - a.voided : 0;
    const checkedIn = a?.checkedIn ?? 0;
    return { sold, checkedIn, noShowRate: sold > 0 ? (sold - checkedIn) / sold : 0 };
  }

  /** FORBIDDEN unless the viewer is the event's organizer or ADMIN. */
  private async checkEvent(ctx: Context, eventId: string): Promise<void> {
    const owner = await ctx.loaders.ownerByEvent.load(eventId);
    if (!canSeeEvent(ctx.viewer, owner?.organizerId)) throw forbidden("Only the event's organizer and ADMIN");
  }

  /** All-time ticket sales of an event, per currency (its organizer and ADMIN). */
  async eventSales(ctx: Context, eventId: string): Promise<CurrencySalesView[]> {
    await this.checkEvent(ctx, eventId);
    return (await q.salesTotals(this.deps.db, { scope: { kind: 'EVENT', id: eventId } })).map(currencySales);
  }

  /**
   * The best-selling products or events in one currency, of all time or of [from, to): ADMIN
   * every seller's (or one's), an ORGANIZER their own (`scopeFor`: another seller is FORBIDDEN).
   */
  async topItems(
    ctx: RequestContext,
    kind: 'PRODUCT' | 'EVENT',
    args: RankingArgs & { organizerId?: string | null },
  ): Promise<TopItemView[]> {
    const scope = await this.scopeFor(ctx, { organizerId: args.organizerId }, '');
    const rows = await q.topItems(this.deps.db, {
      kind,
      currency: validCurrency('currency', args.currency),
      sellerId: scope.kind === 'SELLER' ? scope.id : undefined,
      range: rankingRange(args.from, args.to, this.now()),
      limit: pageSize(args.first),
    });
    return rows.map(topView);
  }

  /**
   * Products and ticket types with at most `threshold` left: ADMIN every seller's (or one's),
   * an ORGANIZER their own (`scopeFor`).
   */
  async lowStock(
    ctx: RequestContext,
    args: { threshold?: number | null; organizerId?: string | null; first?: number | null },
  ): Promise<LowStockView[]> {
    const scope = await this.scopeFor(ctx, { organizerId: args.organizerId }, '');
    const threshold = args.threshold ?? DEFAULT_LOW_STOCK;
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 1_000_000)
      throw badInput('threshold', 'threshold must be between 0 and 1000000');
    return q.lowStock(this.deps.db, {
      threshold,
      sellerId: scope.kind === 'SELLER' ? scope.id : undefined,
      limit: pageSize(args.first),
    });
  }

  /**
   * Product sales per category with the tree rolled up, of all time or of [from, to): ADMIN
   * every seller's (or one's), an ORGANIZER their own (`scopeFor`).
   */
  async categorySales(
    ctx: RequestContext,
    filter:
      | { from?: Date | null; to?: Date | null; organizerId?: string | null; currency?: string | null }
      | null
      | undefined,
  ): Promise<CategorySalesView[]> {
    const scope = await this.scopeFor(ctx, { organizerId: filter?.organizerId }, 'filter');
    const rows = await q.categorySales(this.deps.db, {
      sellerId: scope.kind === 'SELLER' ? scope.id : undefined,
      range: rankingRange(filter?.from, filter?.to, this.now(), 'filter'),
      currency: filter?.currency ? validCurrency('filter.currency', filter.currency) : undefined,
    });
    return inTreeOrder(rows);
  }

  /** Buyers by recency / frequency / monetary segment as of `asOf` (default now): ADMIN only. */
  async customerSegments(ctx: RequestContext, asOf: Date | null | undefined) {
    if (!seesEverything(ctx.viewer)) throw forbidden('Customer segments are for ADMIN');
    const now = this.now();
    return customerSegments(this.deps.db, asOf ?? now, now);
  }

  /** The best sellers in one currency, of all time or of [from, to): ADMIN only. */
  async topSellers(ctx: RequestContext, args: RankingArgs): Promise<TopItemView[]> {
    if (!seesEverything(ctx.viewer)) throw forbidden('The sellers ranking is for ADMIN');
    const rows = await q.topSellers(this.deps.db, {
      currency: validCurrency('currency', args.currency),
      range: rankingRange(args.from, args.to, this.now()),
      limit: pageSize(args.first),
    });
    return rows.map(topView);
  }

  /** All-time sales of a seller, per currency (the seller and ADMIN; shield checks). */
  async sellerSales(sellerId: string): Promise<CurrencySalesView[]> {
    return (await q.salesTotals(this.deps.db, { scope: { kind: 'SELLER', id: sellerId } })).map(currencySales);
  }
}

export const currencySales = (row: q.SalesRow): CurrencySalesView => ({
  currency: row.currency,
  orders: row.orders,
  grossCents: row.grossCents,
  refundCents: row.refundCents,
  netCents: row.grossCents - row.refundCents,
  ticketsSold: row.ticketsSold - row.ticketsRefunded,
  unitsSold: row.unitsSold - row.unitsRefunded,
});

const topView = (row: q.TopRow): TopItemView => ({ ...row, netCents: row.grossCents - row.refundCents });
