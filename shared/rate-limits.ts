import type Redis from 'ioredis';
import { Prisma } from '../prisma/generated/prisma/client';
import type { Db } from './db';

/**
 * Fixed-window counters: `hit` counts one attempt for `key` in the window containing `now` and
 * answers the count so far; `peek` answers it without counting. Redis when configured (shared
 * by every instance); otherwise a Postgres upsert into the subgraph's own `rate_limits` table,
 * atomic under concurrency (`ON CONFLICT ... DO UPDATE` serialises on the row).
 */
export interface WindowCounter {
  hit(key: string, windowSeconds: number, now: Date): Promise<number>;
  peek(key: string, windowSeconds: number, now: Date): Promise<number>;
}

const windowIndex = (now: Date, windowSeconds: number) => Math.floor(now.getTime() / 1000 / windowSeconds);

/** The counters of one subgraph: Redis keys under `prefix` when Redis is there, else `schema.rate_limits`. */
export function windowCounter(options: {
  db: Db;
  schema: RateLimitSchema;
  redis?: Redis;
  prefix: string;
}): WindowCounter {
  return options.redis ? redisCounter(options.redis, options.prefix) : postgresCounter(options.db, options.schema);
}

function redisCounter(redis: Redis, prefix: string): WindowCounter {
  const keyOf = (key: string, windowSeconds: number, now: Date) =>
    `${prefix}${key}:${windowSeconds}:${windowIndex(now, windowSeconds)}`;
  return {
    async hit(key, windowSeconds, now) {
      const k = keyOf(key, windowSeconds, now);
      // exec() answers null only when a WATCH aborted the transaction, and we watch nothing.
      const [incr, expire] = (await redis.multi().incr(k).expire(k, windowSeconds).exec()) ?? [];
      const failure = incr?.[0] ?? expire?.[0];
      if (failure) throw failure;
      return incr?.[1] as number;
    },
    async peek(key, windowSeconds, now) {
      return Number((await redis.get(keyOf(key, windowSeconds, now))) ?? 0);
    },
  };
}

/** The schemas that have a `rate_limits` table (key, window_start, count), from their migrations. */
export type RateLimitSchema = 'support' | 'users';

function postgresCounter(db: Db, schema: RateLimitSchema): WindowCounter {
  const table = Prisma.raw(`${schema}.rate_limits`);
  const windowStartOf = (now: Date, windowSeconds: number) =>
    new Date(windowIndex(now, windowSeconds) * windowSeconds * 1000);
  return {
    async hit(key, windowSeconds, now) {
      const windowStart = windowStartOf(now, windowSeconds);
      const rows = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO ${table} (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = ${table}.count + 1
        RETURNING count`;
      // Old windows are useless: drop them now and then (1 call in 100).
      if (Math.random() < 0.01) await db.$executeRaw`DELETE FROM ${table} WHERE window_start < ${windowStart}`;
      return rows[0]!.count;
    },
    async peek(key, windowSeconds, now) {
      const rows = await db.$queryRaw<{ count: number }[]>`
        SELECT count FROM ${table} WHERE key = ${key} AND window_start = ${windowStartOf(now, windowSeconds)}`;
      return rows[0]?.count ?? 0;
    },
  };
}
