/**
 * Wake-ups of the event workers, pushed by Postgres: a relay or consumer sleeps until told
 * there is something to do instead of polling, so an idle process asks the database almost
 * nothing and an event moves the moment it commits. Each notification is sent in the
 * transaction that makes the work, so Postgres delivers it at commit, and not on rollback:
 *
 * - `OUTBOX_WRITTEN_CHANNEL`: an outbox row was inserted (a trigger on `events.outbox`); the
 *   relays wake;
 * - `OUTBOX_PUBLISHED_CHANNEL`: a relay published rows (numbered them, and with Redis appended
 *   them to the stream); the consumers wake.
 *
 * Notifications are hints, never the record: a worker still polls slowly (`SAFETY_POLL_MS` in
 * bus.ts), and wakes every worker when the listening connection comes back after being lost.
 */
import type { Logger } from '../logger';
import { listenToPostgres } from '../pg-listener';

export const OUTBOX_WRITTEN_CHANNEL = 'events_outbox_written';
export const OUTBOX_PUBLISHED_CHANNEL = 'events_outbox_published';
export type WakeupChannel = typeof OUTBOX_WRITTEN_CHANNEL | typeof OUTBOX_PUBLISHED_CHANNEL;

const CHANNELS: readonly WakeupChannel[] = [OUTBOX_WRITTEN_CHANNEL, OUTBOX_PUBLISHED_CHANNEL];

export interface Wakeups {
  /**
   * Calls `wake` on every notification on `channel`, and once the listening connection is back
   * after it was lost (notifications sent meanwhile are gone). Returns the unsubscribe.
   */
  on(channel: WakeupChannel, wake: () => void): () => void;
  close(): Promise<void>;
}

/** One LISTEN connection per process, shared by all its workers. */
export function postgresWakeups(databaseUrl: string, logger: Logger): Wakeups {
  const listeners = new Map<WakeupChannel, Set<() => void>>(CHANNELS.map((c) => [c, new Set()]));
  const wakeAll = (channels: readonly WakeupChannel[]) => {
    for (const channel of channels) for (const wake of [...listeners.get(channel)!]) wake();
  };
  const connection = listenToPostgres({
    databaseUrl,
    channels: CHANNELS,
    name: 'event wake-up listener',
    logger,
    onNotification: (channel) => wakeAll(CHANNELS.filter((c) => c === channel)),
    onResync: () => wakeAll(CHANNELS),
  });
  return {
    on(channel, wake) {
      const set = listeners.get(channel)!;
      set.add(wake);
      return () => set.delete(wake);
    },
    async close() {
      for (const set of listeners.values()) set.clear();
      await connection.close();
    },
  };
}
