import pg from 'pg';
import type { Logger } from './logger';

export interface PostgresListenerOptions {
  databaseUrl: string;
  channels: readonly string[];
  /** Names the listener in log lines and as the connection's `application_name`. */
  name: string;
  logger: Logger;
  onNotification(channel: string, payload: string | undefined): void;
  /**
   * Called once the connection is listening again after it was lost: whatever was notified
   * meanwhile is gone, so the listener must catch up some other way.
   */
  onResync(): void;
}

export interface PostgresListener {
  close(): Promise<void>;
}

/**
 * LISTENs to `channels` on a connection of its own (a pooled one cannot hold a LISTEN). When
 * that connection is lost it reconnects (1 s, doubling to 30 s) and calls `onResync`. TCP
 * keep-alive makes a connection that silently died (a dropped network path) fail too, instead
 * of listening forever to nothing.
 */
export function listenToPostgres(options: PostgresListenerOptions): PostgresListener {
  const { logger, name } = options;
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 1_000;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (resync: boolean) => {
    const next = new pg.Client({ connectionString: options.databaseUrl, application_name: name, keepAlive: true });
    next.on('notification', (message) => options.onNotification(message.channel, message.payload));
    next.on('error', (err) => {
      logger.warn(`${name} lost`, { error: err.message });
      void next.end().catch(() => undefined);
      schedule();
    });
    try {
      await next.connect();
      for (const channel of options.channels) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      logger.warn(`${name} cannot connect`, { error: (err as Error).message });
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
    if (resync) options.onResync();
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
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
