import type { PointsTrigger } from '../../../../prisma/generated/prisma/client';
import type { Tx } from '../../../../shared/db';

export type { PointsTrigger } from '../../../../prisma/generated/prisma/client';

/**
 * Records that a user did something that counts (one row per trigger and source). Returns
 * false when it was already recorded: whatever it earns was earned then.
 */
export async function recordActivity(
  tx: Tx,
  activity: {
    userId: string;
    trigger: PointsTrigger;
    sourceId: string;
    eventId?: string | null;
    occurredAt: Date;
    localDay: Date;
    voided?: boolean;
  },
): Promise<boolean> {
  const { count } = await tx.activity.createMany({ data: [activity], skipDuplicates: true });
  return count === 1;
}

/** Voids the activity of a source; returns what it voided (nothing when already void or never seen). */
export async function voidActivity(
  tx: Tx,
  trigger: PointsTrigger,
  sourceId: string,
): Promise<{ userId: string; occurredAt: Date }[]> {
  return tx.$queryRaw<{ userId: string; occurredAt: Date }[]>`
    UPDATE gamification.activities SET voided = true
    WHERE trigger = ${trigger}::gamification."PointsTrigger" AND source_id = ${sourceId}::uuid AND NOT voided
    RETURNING user_id AS "userId", occurred_at AS "occurredAt"`;
}

/** How many live (not voided) activities of `trigger` the user has, on local days from `from` on if given. */
export function countActivities(
  tx: Tx,
  userId: string,
  trigger: PointsTrigger,
  from?: Date,
  to?: Date,
): Promise<number> {
  return tx.activity.count({
    where: { userId, trigger, voided: false, ...(from && to && { localDay: { gte: from, lte: to } }) },
  });
}

/** The distinct local days (newest first) of the user's live activities of `trigger`. */
export async function activityDays(tx: Tx, userId: string, trigger: PointsTrigger): Promise<Date[]> {
  const rows = await tx.activity.findMany({
    where: { userId, trigger, voided: false },
    select: { localDay: true },
    distinct: ['localDay'],
    orderBy: { localDay: 'desc' },
  });
  return rows.map((r) => r.localDay);
}
