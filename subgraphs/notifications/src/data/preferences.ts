/** Data access for `notifications.preferences`: a user's mail preferences and unsubscribe token. */
import { randomBytes } from 'node:crypto';
import type { NotificationPreference } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { NotificationPreference };

export function findPreferences(db: Db | Tx, userIds: readonly string[]): Promise<NotificationPreference[]> {
  return db.notificationPreference.findMany({ where: { userId: { in: [...userIds] } } });
}

/**
 * The user's row, created with the defaults (and a fresh unsubscribe token) when missing. The
 * insert is `ON CONFLICT DO NOTHING` (createMany's skipDuplicates): the sender and the user's own
 * mutations create it concurrently, and Prisma's `upsert` with an empty update reads, then
 * inserts, so the second of two concurrent calls failed on the unique key.
 */
export async function ensurePreferences(db: Db | Tx, userId: string): Promise<NotificationPreference> {
  await db.notificationPreference.createMany({
    data: [{ userId, unsubscribeToken: randomBytes(24).toString('base64url') }],
    skipDuplicates: true,
  });
  return db.notificationPreference.findUniqueOrThrow({ where: { userId } });
}

export async function setMarketingEmail(
  db: Db,
  userId: string,
  marketingEmail: boolean,
): Promise<NotificationPreference> {
  await ensurePreferences(db, userId);
  return db.notificationPreference.update({ where: { userId }, data: { marketingEmail } });
}

/** Turns marketing mail off for the token's user; whether a user has that token. */
export async function unsubscribeByToken(db: Db, token: string): Promise<boolean> {
  const { count } = await db.notificationPreference.updateMany({
    where: { unsubscribeToken: token },
    data: { marketingEmail: false },
  });
  return count > 0;
}
