/**
 * Reads of the help-desk and engagement parts of the read model, by local period of a time
 * zone (`periodStart`) or over the whole range at once (`grouping` 'range').
 */
import { Prisma } from '../../../../prisma/generated/prisma/client';
import type { Db } from '../../../../shared/db';
import { periodStart, type Unit } from './queries';

/** Either local periods of `timeZone`, or the whole [from, to) as one row starting at `from`. */
export type Grouping = { unit: Unit; timeZone: string } | 'range';

interface Range {
  from: Date;
  to: Date;
  grouping: Grouping;
}

const startOf = (at: Prisma.Sql, r: Range): Prisma.Sql =>
  r.grouping === 'range' ? Prisma.sql`${r.from}::timestamptz` : periodStart(at, r.grouping.unit, r.grouping.timeZone);

/** The help-desk figures of one period (or of the range). */
export interface SupportRow {
  start: Date;
  opened: number;
  resolved: number;
  responded: number;
  firstResponseMedianSeconds: number | null;
  firstResponseP90Seconds: number | null;
  slaBreached: number;
  ratings: number;
  averageRating: number | null;
}

/**
 * Per period: tickets opened in it, and of those the ones answered (with the median and 90th
 * percentile of the time to the first answer) and breached; tickets resolved in it (their
 * latest resolution), and the ratings of those. Periods with neither are left out.
 */
export async function supportByPeriod(db: Db, r: Range): Promise<SupportRow[]> {
  const rows = await db.$queryRaw<
    {
      start: Date;
      opened: bigint | null;
      responded: bigint | null;
      median: number | null;
      p90: number | null;
      breached: bigint | null;
      resolved: bigint | null;
      ratings: bigint | null;
      average: number | null;
    }[]
  >`
    WITH opened AS (
      SELECT ${startOf(Prisma.sql`t.created_at`, r)} AS start, count(*) AS opened,
        count(t.first_response_at) AS responded,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_response_at - t.created_at)) AS median,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_response_at - t.created_at)) AS p90,
        count(*) FILTER (WHERE t.sla_breached) AS breached
      FROM reports.support_tickets t
      WHERE t.created_at >= ${r.from} AND t.created_at < ${r.to}
      GROUP BY 1
    ), resolved AS (
      SELECT ${startOf(Prisma.sql`t.resolved_at`, r)} AS start, count(*) AS resolved, count(t.rating) AS ratings,
        avg(t.rating)::float8 AS average
      FROM reports.support_tickets t
      WHERE t.resolved_at >= ${r.from} AND t.resolved_at < ${r.to}
      GROUP BY 1
    )
    SELECT COALESCE(o.start, s.start) AS start, o.opened, o.responded, o.median, o.p90, o.breached,
      s.resolved, s.ratings, s.average
    FROM opened o FULL JOIN resolved s ON s.start = o.start
    ORDER BY 1`;
  return rows.map((row) => ({
    start: row.start,
    opened: Number(row.opened ?? 0),
    resolved: Number(row.resolved ?? 0),
    responded: Number(row.responded ?? 0),
    firstResponseMedianSeconds: row.median,
    firstResponseP90Seconds: row.p90,
    slaBreached: Number(row.breached ?? 0),
    ratings: Number(row.ratings ?? 0),
    averageRating: row.average,
  }));
}

/** Gamification's figures of one period (or of the range). */
export interface EngagementRow {
  start: Date;
  pointsAwarded: number;
  awards: number;
  pointsReversed: number;
  activeUsers: number;
  badgesAwarded: number;
  levelsReached: number;
  rewardsRedeemed: number;
  pointsRedeemed: number;
  receiptsApproved: number;
}

/**
 * Per period: points awarded (AWARD entries: their sum and count, and the distinct users they
 * went to), points taken back (REVERSAL entries, as a positive number), badges, levels,
 * redemptions (and their cost) and approved receipts. Periods with none of these are left out.
 */
export async function engagementByPeriod(db: Db, r: Range): Promise<EngagementRow[]> {
  const rows = await db.$queryRaw<
    {
      start: Date;
      awarded: bigint | null;
      awards: bigint | null;
      reversed: bigint | null;
      active: bigint | null;
      badges: bigint | null;
      levels: bigint | null;
      rewards: bigint | null;
      redeemed: bigint | null;
      receipts: bigint | null;
    }[]
  >`
    WITH points AS (
      SELECT ${startOf(Prisma.sql`p.occurred_at`, r)} AS start,
        sum(p.amount) FILTER (WHERE p.kind = 'AWARD') AS awarded, count(*) FILTER (WHERE p.kind = 'AWARD') AS awards,
        -sum(p.amount) FILTER (WHERE p.kind = 'REVERSAL') AS reversed,
        count(DISTINCT p.user_id) FILTER (WHERE p.kind = 'AWARD') AS active
      FROM reports.points_entries p
      WHERE p.occurred_at >= ${r.from} AND p.occurred_at < ${r.to} AND p.kind IN ('AWARD', 'REVERSAL')
      GROUP BY 1
    ), facts AS (
      SELECT ${startOf(Prisma.sql`f.occurred_at`, r)} AS start,
        count(*) FILTER (WHERE f.kind = 'BADGE') AS badges, count(*) FILTER (WHERE f.kind = 'LEVEL') AS levels,
        count(*) FILTER (WHERE f.kind = 'REWARD') AS rewards, sum(f.amount) FILTER (WHERE f.kind = 'REWARD') AS redeemed,
        count(*) FILTER (WHERE f.kind = 'RECEIPT') AS receipts
      FROM reports.gamification_facts f
      WHERE f.occurred_at >= ${r.from} AND f.occurred_at < ${r.to}
      GROUP BY 1
    )
    SELECT COALESCE(p.start, f.start) AS start, p.awarded, p.awards, p.reversed, p.active, f.badges, f.levels,
      f.rewards, f.redeemed, f.receipts
    FROM points p FULL JOIN facts f ON f.start = p.start
    ORDER BY 1`;
  return rows.map((row) => ({
    start: row.start,
    pointsAwarded: Number(row.awarded ?? 0),
    awards: Number(row.awards ?? 0),
    pointsReversed: Number(row.reversed ?? 0),
    activeUsers: Number(row.active ?? 0),
    badgesAwarded: Number(row.badges ?? 0),
    levelsReached: Number(row.levels ?? 0),
    rewardsRedeemed: Number(row.rewards ?? 0),
    pointsRedeemed: Number(row.redeemed ?? 0),
    receiptsApproved: Number(row.receipts ?? 0),
  }));
}
