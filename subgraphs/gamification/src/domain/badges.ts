import type { Tx } from '../../../../shared/db';
import { activityDays, countActivities, type PointsTrigger } from '../data/activities';
import { awardBadge, badgesToCheck, requirementsOf, type Badge } from '../data/catalog';

export { requirementsOf };
import { daysBefore, weekOf } from './calendar';
import { emitBadgeAwarded } from './events';

const WEEK_MS = 7 * 86_400_000;

/**
 * Badges are checked when an activity of one of their triggers is recorded, and awarded once
 * (unique per user and badge: a replay awards nothing). Counts are of live activities, so a
 * voided ticket's check-in counts for nothing from then on; badges already earned stay.
 */
export async function checkBadges(
  tx: Tx,
  activity: { userId: string; trigger: PointsTrigger; localDay: Date; occurredAt: Date; eventId: string },
): Promise<void> {
  for (const badge of await badgesToCheck(tx, activity.userId, activity.trigger)) {
    if (!(await earned(tx, badge, activity.userId, activity.localDay))) continue;
    const awarded = await awardBadge(tx, {
      userId: activity.userId,
      badgeId: badge.id,
      eventId: activity.eventId,
      awardedAt: activity.occurredAt,
    });
    if (awarded)
      await emitBadgeAwarded(tx, {
        userId: activity.userId,
        badgeId: badge.id,
        name: badge.name,
        awardedAt: activity.occurredAt.toISOString(),
      });
  }
}

async function earned(tx: Tx, badge: Badge, userId: string, day: Date): Promise<boolean> {
  for (const { trigger, count } of requirementsOf(badge)) {
    switch (badge.kind) {
      case 'WINDOWED': {
        const from = daysBefore(day, (badge.windowDays ?? 1) - 1);
        if ((await countActivities(tx, userId, trigger, from, day)) < count) return false;
        break;
      }
      case 'STREAK':
        if (streakEndingAt(await activityDays(tx, userId, trigger), weekOf(day)) < count) return false;
        break;
      default:
        if ((await countActivities(tx, userId, trigger)) < count) return false;
    }
  }
  return true;
}

/** How many consecutive local weeks, ending with the week starting `week`, have an activity (days newest first). */
export function streakEndingAt(days: Date[], week: Date): number {
  const weeks = new Set(days.map((d) => weekOf(d).getTime()));
  let streak = 0;
  for (let w = week.getTime(); weeks.has(w); w -= WEEK_MS) streak++;
  return streak;
}
