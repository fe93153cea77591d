import DataLoader from 'dataloader';
import type { Pool } from '../pg';
import { inDatabaseSpan } from '../tracing';
import type { Role, SessionLookup } from './tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One session joined with its user, as the lookup reads it. */
interface SessionRow {
  id: string;
  user_id: string;
  revoked_at: Date | null;
  expires_at: Date;
  status: string;
  roles: Role[];
}

const SESSIONS_SQL = `SELECT s.id::text AS id, s.user_id::text AS user_id, s.revoked_at, s.expires_at,
    u.status::text AS status, u.roles::text[] AS roles
  FROM users.sessions s JOIN users.users u ON u.id = s.user_id
  WHERE s.id = ANY($1::uuid[])`;

/**
 * The session check behind every token verification, in every service: a token is live only
 * while its session is neither revoked nor expired and its user is ACTIVE. It reads the users
 * domain's tables and never writes them. No cache, so logout, a password change or disabling a
 * user takes effect on the next request.
 *
 * One SQL join on a bare node-postgres pool, not Prisma: it runs once per request at the
 * gateway, where Prisma's query planning was ~13% of the CPU under load, and the gateway loads no
 * Prisma at all (its memory: shared/pg.ts). The lookups asked for in one turn of the event loop
 * are read together in one query (each is still read after it was asked for, so none can see an
 * older state than its own query would have): sending one query per request was still ~10%
 * (`npm run bench -- gateway --cpu-prof`). Roles are read as text[] (pg does not parse arrays of
 * a Postgres enum).
 */
export function postgresSessionLookup(pool: Pool): SessionLookup {
  const sessions = new DataLoader<string, SessionRow | undefined>(
    async (ids) => {
      // Traced as the Prisma clients' statements are (the first request of the batch's trace).
      const { rows } = await inDatabaseSpan(SESSIONS_SQL, () => pool.query<SessionRow>(SESSIONS_SQL, [ids]));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    },
    { cache: false, maxBatchSize: 200, batchScheduleFn: (run) => setImmediate(run) },
  );
  return async (sessionId, userId) => {
    if (!UUID.test(sessionId) || !UUID.test(userId)) return undefined;
    const session = await sessions.load(sessionId.toLowerCase());
    if (!session || session.user_id !== userId || session.revoked_at || session.expires_at <= new Date()) {
      return undefined;
    }
    if (session.status !== 'ACTIVE') return undefined;
    return { roles: session.roles };
  };
}
