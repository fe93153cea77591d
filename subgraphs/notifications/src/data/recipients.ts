/**
 * Data access for `notifications.recipients`: notifications' copy of users (email, name,
 * locale), kept from users' `UserChanged` by the consumer `notifications.messages`.
 */
import type { Recipient } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { Recipient };

/** Stores a user's state unless the stored row is as new or newer: a late or repeated event changes nothing. */
export async function upsertIfNewer(tx: Tx, r: Recipient): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO notifications.recipients (user_id, email, name, locale, updated_at)
    VALUES (${r.userId}::uuid, ${r.email}, ${r.name}, ${r.locale}, ${r.updatedAt})
    ON CONFLICT (user_id) DO UPDATE
      SET email = EXCLUDED.email, name = EXCLUDED.name, locale = EXCLUDED.locale, updated_at = EXCLUDED.updated_at
      WHERE notifications.recipients.updated_at < EXCLUDED.updated_at`;
}

export function findRecipient(db: Db | Tx, userId: string): Promise<Recipient | null> {
  return db.recipient.findUnique({ where: { userId } });
}

export function findRecipients(db: Db | Tx, userIds: readonly string[]): Promise<Recipient[]> {
  return db.recipient.findMany({ where: { userId: { in: [...userIds] } } });
}
