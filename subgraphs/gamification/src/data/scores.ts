import { Prisma } from '../../../../prisma/generated/prisma/client';
import type { Db } from '../../../../shared/db';
import type { Period } from '../domain/calendar';

/** A leaderboard row: a user's total in a period, when they reached it, whether they hide. */
export interface ScoreRow {
  userId: string;
  points: number;
  reachedAt: Date;
  hidden: boolean;
}

/** The sort key of a leaderboard: points descending, then who reached them first, then user id. */
export interface ScoreKey {
  points: number;
  reachedAt: Date;
  userId: string;
}

interface RawScore {
  user_id: string;
  points: number;
  reached_at: Date;
  hidden: boolean | null;
}
const toRow = (r: RawScore): ScoreRow => ({
  userId: r.user_id,
  points: r.points,
  reachedAt: r.reached_at,
  hidden: r.hidden ?? false,
});

/** A score row with its rank in the period. */
export interface RankedScoreRow extends ScoreRow {
  rank: number;
}

/** The keyset condition "ranks after `after`" on `period_scores s` (nothing without `after`). */
const afterKey = (after: ScoreKey | undefined) =>
  after
    ? Prisma.sql`AND (s.points < ${after.points}
        OR (s.points = ${after.points} AND (s.reached_at, s.user_id) > (${after.reachedAt}::timestamptz, ${after.userId}::uuid)))`
    : Prisma.empty;

/**
 * 1 + how many users rank before `key` in the period: those with more points (a sum over the
 * per-total counts, a few thousand rows at most) and those with as many who reached them first
 * (a range of `period_scores_rank_idx`). `key` is SQL naming the columns of the row to rank.
 */
const rankSql = (period: Period, start: Date, key: { points: Prisma.Sql; reachedAt: Prisma.Sql; userId: Prisma.Sql }) =>
  Prisma.sql`1
    + COALESCE((SELECT sum(c.users) FROM gamification.score_counts c
        WHERE c.period = ${period} AND c.start = ${start}::date AND c.points > ${key.points}), 0)
    + (SELECT count(*) FROM gamification.period_scores t
        WHERE t.period = ${period} AND t.start = ${start}::date AND t.points = ${key.points}
          AND (t.reached_at, t.user_id) < (${key.reachedAt}, ${key.userId}))`;

interface RawRead {
  part: 'page' | 'viewer' | 'total' | 'after';
  user_id: string | null;
  points: number | null;
  reached_at: Date | null;
  hidden: boolean | null;
  n: bigint | null;
}

/**
 * What a leaderboard page needs, in one statement (one round trip): the page (users with more
 * than 0 points, best first, after `after`; an index range scan of `limit` rows of
 * `period_scores_rank_idx`), how many rank, the rank of the row the cursor names, and the
 * viewer's own row with its rank.
 */
export async function readLeaderboard(
  db: Db,
  period: Period,
  start: Date,
  after: ScoreKey | undefined,
  limit: number,
  viewerId: string | undefined,
): Promise<{ rows: ScoreRow[]; total: number; afterRank: number; viewer: RankedScoreRow | null }> {
  const rows = await db.$queryRaw<RawRead[]>`
    (SELECT 'page' AS part, s.user_id, s.points, s.reached_at, v.hidden, NULL::bigint AS n
      FROM gamification.period_scores s
      LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
      WHERE s.period = ${period} AND s.start = ${start}::date AND s.points > 0 ${afterKey(after)}
      ORDER BY s.points DESC, s.reached_at, s.user_id
      LIMIT ${limit})
    UNION ALL
    SELECT 'viewer', s.user_id, s.points, s.reached_at, v.hidden,
      ${rankSql(period, start, { points: Prisma.sql`s.points`, reachedAt: Prisma.sql`s.reached_at`, userId: Prisma.sql`s.user_id` })}
    FROM gamification.period_scores s
    LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
    WHERE s.period = ${period} AND s.start = ${start}::date AND s.user_id = ${viewerId ?? null}::uuid AND s.points > 0
    UNION ALL
    SELECT 'total', NULL, NULL, NULL, NULL, COALESCE(sum(users), 0)::bigint FROM gamification.score_counts
    WHERE period = ${period} AND start = ${start}::date AND points > 0
    ${
      after
        ? Prisma.sql`UNION ALL SELECT 'after', NULL, NULL, NULL, NULL, ${rankSql(period, start, {
            points: Prisma.sql`${after.points}`,
            reachedAt: Prisma.sql`${after.reachedAt}::timestamptz`,
            userId: Prisma.sql`${after.userId}::uuid`,
          })}`
        : Prisma.empty
    }`;
  const viewer = rows.find((r) => r.part === 'viewer');
  return {
    rows: rows.filter((r) => r.part === 'page').map((r) => toRow(r as RawScore)),
    total: Number(rows.find((r) => r.part === 'total')?.n ?? 0),
    afterRank: Number(rows.find((r) => r.part === 'after')?.n ?? 0),
    viewer: viewer ? { ...toRow(viewer as RawScore), rank: Number(viewer.n) } : null,
  };
}

/** A user's row of a period with its rank (null without more than 0 points), in one statement. */
export async function rankedScoreOf(
  db: Db,
  period: Period,
  start: Date,
  userId: string,
): Promise<RankedScoreRow | null> {
  const [row] = await db.$queryRaw<(RawScore & { n: bigint })[]>`
    SELECT s.user_id, s.points, s.reached_at, v.hidden,
      ${rankSql(period, start, { points: Prisma.sql`s.points`, reachedAt: Prisma.sql`s.reached_at`, userId: Prisma.sql`s.user_id` })} AS n
    FROM gamification.period_scores s
    LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
    WHERE s.period = ${period} AND s.start = ${start}::date AND s.user_id = ${userId}::uuid AND s.points > 0`;
  return row ? { ...toRow(row), rank: Number(row.n) } : null;
}

export async function setHidden(db: Db, userId: string, hidden: boolean): Promise<void> {
  await db.leaderboardVisibility.upsert({ where: { userId }, create: { userId, hidden }, update: { hidden } });
}

export async function hiddenUsers(db: Db, userIds: string[]): Promise<{ id: string; hidden: boolean }[]> {
  const rows = await db.leaderboardVisibility.findMany({ where: { userId: { in: userIds } } });
  return rows.map((r) => ({ id: r.userId, hidden: r.hidden }));
}
