import type { Db } from '../../../../shared/db';
import { forbidden } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import { timezone as validTimezone } from '../../../../shared/validation';
import * as q from '../data/activity-queries';
import { readsEngagementReports, readsSupportReports } from './access';
import { UNIT, periodLabel, reportRange, type Granularity } from './periods';

/** The range and grouping of a platform-wide report (`ReportPeriodsFilter`). */
export interface PeriodsFilter {
  from: Date;
  to: Date;
  granularity?: Granularity | null;
  timezone?: string | null;
}

/**
 * The help desk's and gamification's figures by period, platform-wide (no seller owns a
 * support ticket or a point): `supportReport` for ADMIN and AGENTs, `engagementReport` for ADMIN.
 */
export class ActivityReportService {
  constructor(private readonly deps: { db: Db; timeZone: string }) {}

  /** The checked range and grouping, and the two groupings to read: by period and whole. */
  private periods(filter: PeriodsFilter) {
    const timeZone = filter.timezone ? validTimezone('filter.timezone', filter.timezone) : this.deps.timeZone;
    const granularity = filter.granularity ?? 'DAY';
    const { from, to } = reportRange('filter', filter.from, filter.to, granularity);
    return {
      timeZone,
      granularity,
      from,
      byPeriod: { from, to, grouping: { unit: UNIT[granularity], timeZone } },
      whole: { from, to, grouping: 'range' as const },
      label: (start: Date) => periodLabel(start, granularity, timeZone),
    };
  }

  async supportReport(ctx: RequestContext, filter: PeriodsFilter) {
    if (!readsSupportReports(ctx.viewer)) throw forbidden('The support report is for ADMIN and support agents');
    const p = this.periods(filter);
    const [periods, [whole]] = await Promise.all([
      q.supportByPeriod(this.deps.db, p.byPeriod),
      q.supportByPeriod(this.deps.db, p.whole),
    ]);
    const view = (row: q.SupportRow) => ({
      ...row,
      label: p.label(row.start),
      slaBreachRate: row.opened > 0 ? row.slaBreached / row.opened : null,
    });
    return {
      timezone: p.timeZone,
      granularity: p.granularity,
      periods: periods.map(view),
      totals: view(whole ?? emptySupport(p.from)),
    };
  }

  async engagementReport(ctx: RequestContext, filter: PeriodsFilter) {
    if (!readsEngagementReports(ctx.viewer)) throw forbidden('The engagement report is for ADMIN');
    const p = this.periods(filter);
    const [periods, [whole]] = await Promise.all([
      q.engagementByPeriod(this.deps.db, p.byPeriod),
      q.engagementByPeriod(this.deps.db, p.whole),
    ]);
    const view = (row: q.EngagementRow) => ({ ...row, label: p.label(row.start) });
    return {
      timezone: p.timeZone,
      granularity: p.granularity,
      periods: periods.map(view),
      totals: view(whole ?? emptyEngagement(p.from)),
    };
  }
}

const emptyEngagement = (start: Date): q.EngagementRow => ({
  start,
  pointsAwarded: 0,
  awards: 0,
  pointsReversed: 0,
  activeUsers: 0,
  badgesAwarded: 0,
  levelsReached: 0,
  rewardsRedeemed: 0,
  pointsRedeemed: 0,
  receiptsApproved: 0,
});

const emptySupport = (start: Date): q.SupportRow => ({
  start,
  opened: 0,
  resolved: 0,
  responded: 0,
  firstResponseMedianSeconds: null,
  firstResponseP90Seconds: null,
  slaBreached: 0,
  ratings: 0,
  averageRating: null,
});
