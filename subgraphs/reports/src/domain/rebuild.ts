import type { Db } from '../../../../shared/db';
import { applyBatch } from '../../../../shared/events/bus';
import { advanceCursor, readPublishedAfter } from '../../../../shared/events/outbox';
import { resetReadModel } from '../data/read-model';
import { READ_MODEL_CONSUMER, readModelConsumer } from './event-handlers';

/**
 * `npm run reports:rebuild`: drops the read model and replays the event log (the outbox, kept
 * whole: docs/events.md) from the beginning through the consumer's own handlers. A consumer
 * running meanwhile applies events too; `processed_events` lets each count once either way.
 * Dashboards are not told (the figures are rebuilt, not new).
 */
export async function rebuildReadModel(
  db: Db,
  options: { batchSize?: number; onProgress?: (replayed: number) => void } = {},
): Promise<{ events: number; applied: number }> {
  await resetReadModel(db, READ_MODEL_CONSUMER);
  const { handlers, beforeCommit } = readModelConsumer({ realtime: { changed: () => undefined } });
  let seq = 0n;
  let events = 0;
  let applied = 0;
  for (;;) {
    const batch = await readPublishedAfter(db, seq, options.batchSize ?? 500);
    if (batch.length === 0) break;
    const last = BigInt(batch[batch.length - 1]!.seq);
    // The Postgres transport's cursor, in the batch's transaction: a consumer started later goes on from here.
    applied += await applyBatch(db, READ_MODEL_CONSUMER, handlers, batch, {
      also: (tx) => advanceCursor(tx, READ_MODEL_CONSUMER, last),
      beforeCommit,
    });
    seq = last;
    events += batch.length;
    options.onProgress?.(events);
  }
  return { events, applied };
}
