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

/**
 * One page of a period's leaderboard (users with more than 0 points), best first, after `after`.
 * Served by `period_scores_rank_idx`: an index range scan of `limit` rows.
 */
export async function leaderboardPage(
  db: Db,
  period: Period,
  start: Date,
  after: ScoreKey | undefined,
  limit: number,
): Promise<ScoreRow[]> {
  const rows = after
    ? await db.$queryRaw<RawScore[]>`
        SELECT s.user_id, s.points, s.reached_at, v.hidden
        FROM gamification.period_scores s
        LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
        WHERE s.period = ${period} AND s.start = ${start}::date AND s.points > 0
          AND (s.points < ${after.points}
            OR (s.points = ${after.points} AND (s.reached_at > ${after.reachedAt}
              OR (s.reached_at = ${after.reachedAt} AND s.user_id > ${after.userId}::uuid))))
        ORDER BY s.points DESC, s.reached_at, s.user_id
        LIMIT ${limit}`
    : await db.$queryRaw<RawScore[]>`
        SELECT s.user_id, s.points, s.reached_at, v.hidden
        FROM gamification.period_scores s
        LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
        WHERE s.period = ${period} AND s.start = ${start}::date AND s.points > 0
        ORDER BY s.points DESC, s.reached_at, s.user_id
        LIMIT ${limit}`;
  return rows.map(toRow);
}

/**
 * 1 + how many users rank before `key` in the period: those with more points (a sum over the
 * per-total counts) and those with as many who reached them first (a range of the index).
 */
export async function rankOf(db: Db, period: Period, start: Date, key: ScoreKey): Promise<number> {
  const [row] = await db.$queryRaw<{ above: bigint | null; tied: bigint }[]>`
    SELECT
      (SELECT sum(users) FROM gamification.score_counts
        WHERE period = ${period} AND start = ${start}::date AND points > ${key.points}) AS above,
      (SELECT count(*) FROM gamification.period_scores
        WHERE period = ${period} AND start = ${start}::date AND points = ${key.points}
          AND (reached_at < ${key.reachedAt} OR (reached_at = ${key.reachedAt} AND user_id < ${key.userId}::uuid))) AS tied`;
  return Number(row!.above ?? 0) + Number(row!.tied) + 1;
}

/** How many users have more than 0 points in the period. */
export async function countRanked(db: Db, period: Period, start: Date): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint | null }[]>`
    SELECT sum(users) AS n FROM gamification.score_counts
    WHERE period = ${period} AND start = ${start}::date AND points > 0`;
  return Number(row!.n ?? 0);
}

/** A user's row of a period (null without any), whatever their points. */
export async function scoreOf(db: Db, period: Period, start: Date, userId: string): Promise<ScoreRow | null> {
  const [row] = await db.$queryRaw<RawScore[]>`
    SELECT s.user_id, s.points, s.reached_at, v.hidden
    FROM gamification.period_scores s
    LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
    WHERE s.period = ${period} AND s.start = ${start}::date AND s.user_id = ${userId}::uuid`;
  return row ? toRow(row) : null;
}

export async function setHidden(db: Db, userId: string, hidden: boolean): Promise<void> {
  await db.leaderboardVisibility.upsert({ where: { userId }, create: { userId, hidden }, update: { hidden } });
}

export async function hiddenUsers(db: Db, userIds: string[]): Promise<{ id: string; hidden: boolean }[]> {
  const rows = await db.leaderboardVisibility.findMany({ where: { userId: { in: userIds } } });
  return rows.map((r) => ({ id: r.userId, hidden: r.hidden }));
}
