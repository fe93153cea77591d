import { Prisma } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { Challenge, ChallengeGoal, ChallengeParticipant } from '../../../../prisma/generated/prisma/client';
import type { Challenge, ChallengeParticipant } from '../../../../prisma/generated/prisma/client';

export type ChallengeData = Omit<Challenge, 'id' | 'createdAt' | 'closedAt'>;
export type ChallengeStatus = 'UPCOMING' | 'ACTIVE' | 'CLOSED';

export const createChallenge = (db: Db, data: ChallengeData) => db.challenge.create({ data });
export const findChallengesByIds = (db: Db, ids: string[]) => db.challenge.findMany({ where: { id: { in: ids } } });

/** Challenges by status at `now` (UPCOMING: not started; ACTIVE: started, not closed; CLOSED: winners fixed). */
export function listChallenges(db: Db, status: ChallengeStatus | null, now: Date): Promise<Challenge[]> {
  const where =
    status === 'UPCOMING'
      ? { startsAt: { gt: now } }
      : status === 'ACTIVE'
        ? { startsAt: { lte: now }, closedAt: null }
        : status === 'CLOSED'
          ? { closedAt: { not: null } }
          : {};
  return db.challenge.findMany({ where, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] });
}

/** Joins; false when the user already had. */
export async function join(db: Db, challengeId: string, userId: string, at: Date): Promise<boolean> {
  const { count } = await db.challengeParticipant.createMany({
    data: [{ challengeId, userId, joinedAt: at }],
    skipDuplicates: true,
  });
  return count === 1;
}

export const participantsOfUser = (db: Db, userId: string, challengeIds: string[]) =>
  db.challengeParticipant.findMany({ where: { userId, challengeId: { in: challengeIds } } });

export const countParticipants = (db: Db, challengeId: string) =>
  db.challengeParticipant.count({ where: { challengeId } });

/**
 * The progress of users in a challenge: `who` (the users whose progress to compute) LEFT JOINed
 * laterally with what counts in the window: POINTS, the points earned (redemptions and
 * challenge rewards excluded); COUNT, the live activities of the trigger, at the scoped event
 * if any, and for an organizer's challenge only their orders and their events' check-ins.
 * `reached_at` is when the last of them happened (ties go to who reached the total first);
 * `eligible` whether the user is in the scope (an organizer's buyers: a paid order with a
 * line of theirs, paid before the end, not wholly refunded).
 */
function scored(challenge: Challenge, who: Prisma.Sql): Prisma.Sql {
  const org = challenge.scopeOrganizerId;
  return Prisma.sql`
    SELECT who.user_id, COALESCE(pts.n, cnt.n, 0)::int AS n, COALESCE(pts.reached_at, cnt.reached_at) AS reached_at,
      (${org}::uuid IS NULL OR EXISTS (
        SELECT 1 FROM gamification.orders_seen o
        JOIN gamification.order_sellers_seen os ON os.order_id = o.order_id AND os.seller_id = ${org}::uuid
        WHERE o.buyer_id = who.user_id AND o.paid_at < ${challenge.endsAt}
          AND (o.total_cents = 0 OR o.total_cents >
            (SELECT COALESCE(sum(r.amount_cents), 0) FROM gamification.refunds_seen r WHERE r.order_id = o.order_id))
      )) AS eligible
    FROM (${who}) AS who
    LEFT JOIN LATERAL (
      SELECT sum(l.amount) AS n, max(l.occurred_at) AS reached_at FROM gamification.ledger l
      WHERE ${challenge.goalKind} = 'POINTS' AND l.user_id = who.user_id AND l.kind <> 'REDEMPTION'
        AND (l.source_type IS NULL OR l.source_type <> 'Challenge')
        AND l.occurred_at >= ${challenge.startsAt} AND l.occurred_at < ${challenge.endsAt}
    ) pts ON ${challenge.goalKind} = 'POINTS'
    LEFT JOIN LATERAL (
      SELECT count(*) AS n, max(a.occurred_at) AS reached_at FROM gamification.activities a
      WHERE ${challenge.goalKind} = 'COUNT' AND a.user_id = who.user_id
        AND a.trigger = ${challenge.trigger}::gamification."PointsTrigger" AND NOT a.voided
        AND a.occurred_at >= ${challenge.startsAt} AND a.occurred_at < ${challenge.endsAt}
        AND (${challenge.scopeEventId}::uuid IS NULL OR a.event_id = ${challenge.scopeEventId}::uuid)
        AND (${org}::uuid IS NULL
          OR (a.trigger = 'TICKET_CHECKED_IN' AND EXISTS (SELECT 1 FROM gamification.event_organizers_seen e
                WHERE e.event_id = a.event_id AND e.organizer_id = ${org}::uuid))
          OR (a.trigger <> 'TICKET_CHECKED_IN' AND EXISTS (SELECT 1 FROM gamification.order_sellers_seen os
                WHERE os.order_id = a.source_id AND os.seller_id = ${org}::uuid)))
    ) cnt ON ${challenge.goalKind} = 'COUNT'`;
}

/** Progress of these users in a challenge, and whether each is in its scope: see `scored`. */
export async function progressOf(
  db: Db | Tx,
  challenge: Challenge,
  userIds: string[],
): Promise<Map<string, { progress: number; inScope: boolean }>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ user_id: string; n: number; eligible: boolean }[]>(
    scored(challenge, Prisma.sql`SELECT unnest(${userIds}::uuid[]) AS user_id`),
  );
  return new Map(rows.map((r) => [r.user_id, { progress: r.eligible ? r.n : 0, inScope: r.eligible }]));
}

/** A row of a challenge's leaderboard: a participant's progress, rank and visibility. */
export interface ChallengeScoreRow {
  userId: string;
  points: number;
  reachedAt: Date;
  hidden: boolean;
  rank: number;
  total: number;
}

/**
 * One page of a challenge's leaderboard after the sort key `after` (progress descending, then
 * who reached it first, then user id), and the viewer's own row wherever it ranks. Participants
 * outside the scope are left out. Once the challenge closed, the progress fixed then is used
 * (and those it left without one, outside the scope at the close, are left out). The ranking is
 * computed over every participant at each read: a challenge has its participants, not every user.
 */
export async function challengeBoard(
  db: Db,
  challenge: Challenge,
  after: { points: number; reachedAt: Date; userId: string } | undefined,
  limit: number,
  viewerId: string | undefined,
): Promise<{ page: ChallengeScoreRow[]; viewer: ChallengeScoreRow | null; total: number }> {
  const closed = challenge.closedAt !== null;
  const who = Prisma.sql`SELECT user_id FROM gamification.challenge_participants WHERE challenge_id = ${challenge.id}::uuid`;
  // The participants who rank: in the scope while open, with a fixed progress once closed.
  const counted = Prisma.sql`
    FROM (${scored(challenge, who)}) s
    JOIN gamification.challenge_participants p ON p.challenge_id = ${challenge.id}::uuid AND p.user_id = s.user_id
    LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
    WHERE CASE WHEN ${closed} THEN p.progress IS NOT NULL ELSE s.eligible END`;
  const rows = await db.$queryRaw<
    {
      user_id: string;
      points: number;
      reached_at: Date;
      hidden: boolean | null;
      rank: bigint;
      total: bigint;
      viewer_row: boolean;
    }[]
  >`
    WITH ranked AS (
      SELECT p.user_id, CASE WHEN ${closed} THEN p.progress ELSE s.n END AS points,
        COALESCE(s.reached_at, p.joined_at) AS reached_at, v.hidden
      ${counted}
    ),
    numbered AS (
      SELECT *, row_number() OVER (ORDER BY points DESC, reached_at, user_id) AS rank, count(*) OVER () AS total
      FROM ranked
    )
    (SELECT *, false AS viewer_row FROM numbered
      WHERE ${after === undefined} OR (points < ${after?.points ?? 0}
        OR (points = ${after?.points ?? 0} AND (reached_at > ${after?.reachedAt ?? new Date(0)}
          OR (reached_at = ${after?.reachedAt ?? new Date(0)} AND user_id > ${after?.userId ?? null}::uuid))))
      ORDER BY rank LIMIT ${limit})
    UNION ALL
    (SELECT *, true FROM numbered WHERE user_id = ${viewerId ?? null}::uuid)`;
  const toRow = (r: (typeof rows)[number]): ChallengeScoreRow => ({
    userId: r.user_id,
    points: r.points,
    reachedAt: r.reached_at,
    hidden: r.hidden ?? false,
    rank: Number(r.rank),
    total: Number(r.total),
  });
  const page = rows.filter((r) => !r.viewer_row).map(toRow);
  const viewerRow = rows.find((r) => r.viewer_row);
  // No row at all: nobody ranks, or a page past the end (counted apart).
  const total =
    rows[0]?.total ??
    (after ? (await db.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total ${counted}`)[0]!.total : 0n);
  return { page, viewer: viewerRow ? toRow(viewerRow) : null, total: Number(total) };
}

/**
 * The open challenges `userId` joined whose window holds `at`: whose leaderboards a change of
 * the user's points or activities at `at` may move.
 */
export async function joinedOpenAt(db: Db | Tx, userId: string, at: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM gamification.challenge_participants p
    JOIN gamification.challenges c ON c.id = p.challenge_id
    WHERE p.user_id = ${userId}::uuid AND c.closed_at IS NULL AND c.starts_at <= ${at} AND c.ends_at > ${at}`;
  return rows.map((r) => r.id);
}

/** Locks one challenge whose window ended and whose winners are not fixed yet (another closer skips it). */
export async function lockNextDue(tx: Tx, now: Date): Promise<Challenge | null> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM gamification.challenges WHERE closed_at IS NULL AND ends_at <= ${now}
    ORDER BY ends_at LIMIT 1 FOR UPDATE SKIP LOCKED`;
  return row ? tx.challenge.findUniqueOrThrow({ where: { id: row.id } }) : null;
}

export const allParticipants = (tx: Tx, challengeId: string): Promise<ChallengeParticipant[]> =>
  tx.challengeParticipant.findMany({ where: { challengeId } });

/** `progress` null: the participant was outside the challenge's scope when it closed (not ranked). */
export async function fixResult(tx: Tx, challengeId: string, userId: string, progress: number | null, won: boolean) {
  await tx.challengeParticipant.update({
    where: { challengeId_userId: { challengeId, userId } },
    data: { progress, won },
  });
}

export async function markClosed(tx: Tx, challengeId: string, at: Date): Promise<void> {
  await tx.challenge.update({ where: { id: challengeId }, data: { closedAt: at } });
}
