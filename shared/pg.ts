/**
 * Postgres connection pools (node-postgres). Every service's pool is made here: under Prisma in
 * the subgraphs (shared/db.ts), bare in the gateway, which reads Postgres only for the session
 * check, readiness and the outbox lag and so does not load Prisma at all (its client module and
 * query compiler were most of the gateway's live heap; gateway/test/entry.unit.test.ts pins it).
 */
import pg from 'pg';

export type Pool = pg.Pool;

export interface PoolOptions {
  /** postgres:// or postgresql:// URL (from `loadConfig().DATABASE_URL`). */
  databaseUrl: string;
  /**
   * How long to wait for a new connection (`loadConfig().DB_CONNECT_TIMEOUT_MS`). Without it
   * node-postgres waits forever, so a dead database would hang requests and readiness probes
   * instead of failing them.
   */
  connectTimeoutMs: number;
  /**
   * Pool size per process. Every replica of every service holds its own pool, so keep
   * (services x replicas x poolMax) under Postgres' max_connections (100 by default).
   */
  poolMax?: number;
}

/** A new pool; `end()` it on shutdown. */
export function createPool({ databaseUrl, connectTimeoutMs, poolMax = 10 }: PoolOptions): Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    connectionTimeoutMillis: connectTimeoutMs,
    max: poolMax,
    // Idle connections are closed after 30 s, so an idle service does not pin connections.
    idleTimeoutMillis: 30_000,
  });
}

/** Readiness probe: resolves when the database answers a trivial query, rejects otherwise. */
export async function checkDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
