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
 * Progress of these users in a challenge, computed from the ledger (POINTS: points earned in
 * the window, redemptions and challenge rewards excluded) or from activities (COUNT: live
 * activities of the trigger in the window, at the scoped event if any).
 */
export async function progressOf(db: Db | Tx, challenge: Challenge, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows =
    challenge.goalKind === 'POINTS'
      ? await db.$queryRaw<{ user_id: string; n: bigint | null }[]>`
          SELECT user_id, sum(amount) AS n FROM gamification.ledger
          WHERE user_id = ANY(${userIds}::uuid[]) AND kind <> 'REDEMPTION'
            AND (source_type IS NULL OR source_type <> 'Challenge')
            AND occurred_at >= ${challenge.startsAt} AND occurred_at < ${challenge.endsAt}
          GROUP BY user_id`
      : await db.$queryRaw<{ user_id: string; n: bigint | null }[]>`
          SELECT user_id, count(*) AS n FROM gamification.activities
          WHERE user_id = ANY(${userIds}::uuid[]) AND trigger = ${challenge.trigger}::gamification."PointsTrigger"
            AND NOT voided AND occurred_at >= ${challenge.startsAt} AND occurred_at < ${challenge.endsAt}
            AND (${challenge.scopeEventId}::uuid IS NULL OR event_id = ${challenge.scopeEventId}::uuid)
          GROUP BY user_id`;
  return new Map(rows.map((r) => [r.user_id, Number(r.n ?? 0)]));
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

export async function fixResult(tx: Tx, challengeId: string, userId: string, progress: number, won: boolean) {
  await tx.challengeParticipant.update({
    where: { challengeId_userId: { challengeId, userId } },
    data: { progress, won },
  });
}

export async function markClosed(tx: Tx, challengeId: string, at: Date): Promise<void> {
  await tx.challenge.update({ where: { id: challengeId }, data: { closedAt: at } });
}
