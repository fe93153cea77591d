import pg from 'pg';
import type { Logger } from '../logger';

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
 * LISTENs on its own connection (a pooled one cannot hold a LISTEN). When that connection is
 * lost it reconnects (1 s, doubling to 30 s) and, once listening again, says `'resync'`: what
 * was announced meanwhile is gone.
 */
export function postgresSessionChanges(databaseUrl: string, logger: Logger): SessionChangeFeed {
  const hub = sessionChangeHub();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 1_000;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (resync: boolean) => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      if (message.channel !== SESSION_CHANGES_CHANNEL) return;
      const change = parseChange(message.payload);
      if (change) hub.publish(change);
      else logger.warn('unreadable session change', { payload: message.payload });
    });
    next.on('error', (err) => {
      logger.warn('session change listener lost', { error: err.message });
      void next.end().catch(() => undefined);
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${SESSION_CHANGES_CHANNEL}`);
    } catch (err) {
      logger.warn('session change listener cannot connect', { error: (err as Error).message });
      void next.end().catch(() => undefined);
      schedule();
      return;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    retryMs = 1_000;
    if (resync) hub.publish('resync');
  };
  const schedule = () => {
    client = undefined;
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect(true);
    }, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 30_000);
  };
  void connect(false);

  return {
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      closed = true;
      clearTimeout(timer);
      await hub.close();
      await client?.end().catch(() => undefined);
    },
  };
}
