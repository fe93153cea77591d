// Apart from outbox.ts, which loads Prisma: the gateway reports this lag and loads no Prisma.
import type { Pool } from '../pg';

/**
 * Age in seconds of the oldest event no relay has published yet; 0 when none waits. Unpublished
 * rows are few (relays publish within a poll), and `published_at IS NULL` is what the relay's
 * own query scans, so this stays cheap. On a bare pool: the gateway reports it and loads no Prisma.
 */
export async function oldestUnpublishedAgeSeconds(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ age: number | null }>(
    'SELECT EXTRACT(EPOCH FROM now() - MIN(created_at))::float8 AS age FROM events.outbox WHERE published_at IS NULL',
  );
  return Math.max(0, rows[0]?.age ?? 0);
}
