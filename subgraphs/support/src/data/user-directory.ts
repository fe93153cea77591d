/**
 * Data access for `support.user_directory`: support's own copy of the facts about users it
 * needs, kept from the users domain's `UserChanged` events (consumer `support.user-directory`,
 * see ../workers.ts). Support never reads the users schema.
 */
import type { UserDirectoryEntry } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { UserDirectoryEntry };

/** Facts about users that support needs: the email (to claim widget tickets) and the AGENT role. */
export interface UserDirectory {
  /** The user's email, or null when support has not heard of the user (yet). */
  emailOf(userId: string): Promise<string | null>;
  /**
   * The user's email if they proved they own it (users' `emailVerified`), else null: what
   * trusts an email (claiming widget tickets by it) asks this, never `emailOf`.
   */
  verifiedEmailOf(userId: string): Promise<string | null>;
  /** Whether the user is an ACTIVE user with the AGENT role, as support last heard. */
  isAgent(userId: string): Promise<boolean>;
}

/**
 * Stores a user's state unless the stored row is as new or newer (`updatedAt` >= the entry's):
 * an event delivered late or twice changes nothing. One statement, so concurrent consumer
 * instances cannot interleave between the comparison and the write. Returns whether it wrote.
 */
export async function upsertIfNewer(db: Db | Tx, entry: UserDirectoryEntry): Promise<boolean> {
  const written = await db.$executeRaw`
    INSERT INTO support.user_directory (user_id, email, roles, status, email_verified, updated_at)
    VALUES (${entry.userId}::uuid, ${entry.email}, ${entry.roles}::varchar[], ${entry.status}, ${entry.emailVerified},
      ${entry.updatedAt})
    ON CONFLICT (user_id) DO UPDATE
      SET email = EXCLUDED.email, roles = EXCLUDED.roles, status = EXCLUDED.status,
        email_verified = EXCLUDED.email_verified, updated_at = EXCLUDED.updated_at
      WHERE support.user_directory.updated_at < EXCLUDED.updated_at`;
  return written === 1;
}

function findEntry(db: Db | Tx, userId: string): Promise<UserDirectoryEntry | null> {
  return db.userDirectoryEntry.findUnique({ where: { userId } });
}

/** The directory on support's table. A user support has not heard of has no email and is no agent. */
export function postgresUserDirectory(db: Db): UserDirectory {
  return {
    async emailOf(userId) {
      return (await findEntry(db, userId))?.email ?? null;
    },
    async verifiedEmailOf(userId) {
      const entry = await findEntry(db, userId);
      return entry?.emailVerified ? entry.email : null;
    },
    async isAgent(userId) {
      const entry = await findEntry(db, userId);
      return !!entry && entry.status === 'ACTIVE' && entry.roles.includes('AGENT');
    },
  };
}
