import Redis from 'ioredis';
import type { Logger } from './logger';

/**
 * How long a Redis command may wait for its answer, including the time it waits queued while
 * the client reconnects: with Redis down a rate-limit check or a relay's append fails after
 * this (a request answers SERVICE_UNAVAILABLE, shared/errors.ts) instead of hanging until Redis
 * is back. No command here blocks (no BLOCK reads), so anything slower is an outage.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * The Redis client of a process (REDIS_URL). It reconnects by itself forever (ioredis' default
 * backoff, up to 2 s apart) and resubscribes its pub/sub channels; an outage is logged once
 * when it starts and once when it ends, not at every reconnection attempt.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn('redis unreachable; retrying', { error: err.message });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis reachable again');
  });
  return redis;
}

/** Is Redis answering right now? A fan-out that would only queue behind a dead connection skips it. */
export function isRedisReady(redis: Redis): boolean {
  return redis.status === 'ready';
}
