import type Redis from 'ioredis';
import type { Db } from '../../../../shared/db';

/**
 * Fixed-window counters: `hit` counts one attempt for `key` in the window containing `now` and
 * answers the count so far. Redis when configured (shared by every instance); otherwise a
 * Postgres upsert, atomic under concurrency (`ON CONFLICT ... DO UPDATE` serialises on the row).
 */
export interface WindowCounter {
  hit(key: string, windowSeconds: number, now: Date): Promise<number>;
}

export function redisCounter(redis: Redis, prefix: string): WindowCounter {
  return {
    async hit(key, windowSeconds, now) {
      const window = Math.floor(now.getTime() / 1000 / windowSeconds);
      const k = `${prefix}${key}:${window}`;
      // exec() answers null only when a WATCH aborted the transaction, and we watch nothing.
      const [incr, expire] = (await redis.multi().incr(k).expire(k, windowSeconds).exec()) ?? [];
      const failure = incr?.[0] ?? expire?.[0];
      if (failure) throw failure;
      return incr?.[1] as number;
    },
  };
}

export function postgresCounter(db: Db): WindowCounter {
  return {
    async hit(key, windowSeconds, now) {
      const windowMs = windowSeconds * 1000;
      const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
      const rows = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO support.rate_limits (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = support.rate_limits.count + 1
        RETURNING count`;
      // Old windows are useless: drop them now and then (1 call in 100).
      if (Math.random() < 0.01)
        await db.$executeRaw`DELETE FROM support.rate_limits WHERE window_start < ${windowStart}`;
      return rows[0]!.count;
    },
  };
}
