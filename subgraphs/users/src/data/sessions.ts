import { SESSION_CHANGES_CHANNEL, type SessionChange } from '../../../../shared/auth/session-changes';
import type { Db, Tx } from '../../../../shared/db';

/** Data access for sessions (refresh-token families), refresh tokens and login failures. */

export function createSession(
  db: Db | Tx,
  data: { userId: string; expiresAt: Date; ip: string },
): Promise<{ id: string }> {
  return db.session.create({ data, select: { id: true } });
}

export function createRefreshToken(db: Db | Tx, sessionId: string, tokenHash: string): Promise<{ id: string }> {
  return db.refreshToken.create({ data: { sessionId, tokenHash }, select: { id: true } });
}

export function findRefreshToken(db: Db | Tx, tokenHash: string) {
  return db.refreshToken.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      usedAt: true,
      session: {
        select: {
          id: true,
          revokedAt: true,
          expiresAt: true,
          user: { select: { id: true, status: true } },
        },
      },
    },
  });
}

/**
 * Marks a refresh token spent. `false` when it already was: of two concurrent refreshes with
 * one token, exactly one wins, and the other counts as reuse.
 */
export async function markRefreshTokenUsed(db: Db | Tx, id: string, at: Date): Promise<boolean> {
  const { count } = await db.refreshToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: at } });
  return count === 1;
}

/**
 * Tells the gateway that sessions were revoked or their user's roles changed
 * (shared/auth/session-changes.ts): it re-checks their live subscriptions. In a transaction,
 * Postgres sends it at commit, and not at all on rollback.
 */
export async function announceSessionChange(db: Db | Tx, change: SessionChange): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${SESSION_CHANGES_CHANNEL}, ${JSON.stringify(change)})`;
}

export async function revokeSession(db: Db | Tx, id: string, reason: string, at: Date): Promise<void> {
  const revoked = await db.session.updateManyAndReturn({
    where: { id, revokedAt: null },
    data: { revokedAt: at, revokedReason: reason },
    select: { userId: true },
  });
  if (revoked[0]) await announceSessionChange(db, { userId: revoked[0].userId, sessionId: id });
}

/** Revokes every live session of a user, except `keepSessionId` when given. */
export async function revokeUserSessions(
  db: Db | Tx,
  userId: string,
  reason: string,
  at: Date,
  keepSessionId?: string,
): Promise<void> {
  const { count } = await db.session.updateMany({
    where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    data: { revokedAt: at, revokedReason: reason },
  });
  // The gateway re-checks this user's live sessions: the one kept stays live.
  if (count > 0) await announceSessionChange(db, { userId });
}

/** Failed logins for one email and address since `since`, oldest first. */
export async function recentLoginFailures(db: Db | Tx, email: string, ip: string, since: Date): Promise<Date[]> {
  const rows = await db.loginFailure.findMany({
    where: { email, ip, createdAt: { gte: since } },
    orderBy: { createdAt: 'asc' },
    select: { createdAt: true },
  });
  return rows.map((r) => r.createdAt);
}

export async function recordLoginFailure(db: Db | Tx, email: string, ip: string, at: Date): Promise<void> {
  await db.loginFailure.create({ data: { email, ip, createdAt: at } });
}
