import type { Logger } from '../logger';
import { listenToPostgres } from '../pg-listener';

/**
 * Session changes, pushed: the users subgraph announces every session it revokes (logout,
 * refresh-token reuse, password change or reset, a disabled user) and every change of a user's
 * roles, so the gateway re-checks those sessions' live WebSocket connections at once (ending
 * their subscriptions when the session is gone), instead of re-reading the session before
 * every event of every subscriber.
 *
 * The announcement is a Postgres NOTIFY on `SESSION_CHANGES_CHANNEL`, sent by users' data
 * layer in the changing transaction. Postgres delivers it when, and only if, that transaction
 * commits, to every listening gateway instance, so there is no window between the change and
 * its announcement and nothing to lose if users dies after commit (a publish to Redis after
 * commit has both). Every deployment has Postgres, with or without Redis, so it is the one
 * transport.
 */
export const SESSION_CHANGES_CHANNEL = 'users_session_changes';

/** Which sessions changed: one (`sessionId`), or any session of the user (absent). */
export interface SessionChange {
  userId: string;
  sessionId?: string;
}

/**
 * What a listener hears: a change, or `'resync'` when announcements may have been missed
 * (the listening connection was lost and is back): then every session must be re-checked.
 */
export type SessionChangeNotice = SessionChange | 'resync';

export interface SessionChangeFeed {
  /** Calls `listener` for every notice from now on; returns the unsubscribe. */
  subscribe(listener: (notice: SessionChangeNotice) => void): () => void;
  close(): Promise<void>;
}

/** The in-process feed: `publish` hands a notice to every listener (the Postgres feed is built on it; tests publish directly). */
export function sessionChangeHub(): SessionChangeFeed & { publish(notice: SessionChangeNotice): void } {
  const listeners = new Set<(notice: SessionChangeNotice) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(notice) {
      for (const listener of [...listeners]) listener(notice);
    },
    close: async () => listeners.clear(),
  };
}

function parseChange(payload: string | undefined): SessionChange | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<SessionChange>;
    if (typeof value.userId !== 'string') return undefined;
    return typeof value.sessionId === 'string'
      ? { userId: value.userId, sessionId: value.sessionId }
      : { userId: value.userId };
  } catch {
    return undefined;
  }
}

/**
 * LISTENs on a connection of its own (shared/pg-listener.ts); once listening again after that
 * connection was lost, says `'resync'`: what was announced meanwhile is gone.
 */
export function postgresSessionChanges(databaseUrl: string, logger: Logger): SessionChangeFeed {
  const hub = sessionChangeHub();
  const connection = listenToPostgres({
    databaseUrl,
    channels: [SESSION_CHANGES_CHANNEL],
    name: 'session change listener',
    logger,
    onNotification(_channel, payload) {
      const change = parseChange(payload);
      if (change) hub.publish(change);
      else logger.warn('unreadable session change', { payload });
    },
    onResync: () => hub.publish('resync'),
  });
  return {
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      await hub.close();
      await connection.close();
    },
  };
}
