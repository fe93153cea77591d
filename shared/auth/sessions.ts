import type { Db } from '../db';
import type { SessionLookup } from './tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The session check behind every token verification, in every service: a token is live only
 * while its session is neither revoked nor expired and its user is ACTIVE. It reads the users
 * domain's tables and never writes them. One primary-key lookup per verification, no cache, so
 * logout, a password change or disabling a user takes effect on the next request.
 */
export function prismaSessionLookup(db: Db): SessionLookup {
  return async (sessionId, userId) => {
    if (!UUID.test(sessionId) || !UUID.test(userId)) return undefined;
    const session = await db.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, revokedAt: true, expiresAt: true, user: { select: { status: true, roles: true } } },
    });
    if (!session || session.userId !== userId || session.revokedAt || session.expiresAt <= new Date()) return undefined;
    if (session.user.status !== 'ACTIVE') return undefined;
    return { roles: session.user.roles };
  };
}
