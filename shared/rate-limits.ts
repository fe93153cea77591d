import type Redis from 'ioredis';
import { Prisma } from '../prisma/generated/prisma/client';
import type { Db } from './db';

/**
 * Fixed-window counters: `hit` counts one attempt for `key` in the window containing `now` and
 * answers the count so far; `peek` answers it without counting. Redis when configured (shared
 * by every instance); otherwise rows in the subgraph's own `rate_limits` table, counted (a hit
 * counts itself and every hit committed before it).
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

/** The schemas that have a `rate_limits` table (id, key, at), from their migrations. */
export type RateLimitSchema = 'support' | 'users';

/** Hits older than this are deleted now and then: longer than any window counted. */
const KEEP_HITS_MS = 24 * 3600 * 1000;

/**
 * One inserted row per hit: concurrent hits on one key never wait on each other (an upserted
 * counter row serialises every hit of a key, e.g. every registration from one address, on
 * that row's lock). Concurrent hits may each count the other: that refuses early, never late.
 */
function postgresCounter(db: Db, schema: RateLimitSchema): WindowCounter {
  const table = Prisma.raw(`${schema}.rate_limits`);
  const windowStartOf = (now: Date, windowSeconds: number) =>
    new Date(windowIndex(now, windowSeconds) * windowSeconds * 1000);
  const count = async (key: string, windowSeconds: number, now: Date) => {
    const rows = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${table} WHERE key = ${key} AND at >= ${windowStartOf(now, windowSeconds)}`;
    return rows[0]?.n ?? 0;
  };
  return {
    async hit(key, windowSeconds, now) {
      await db.$executeRaw`INSERT INTO ${table} (key, at) VALUES (${key}, ${now})`;
      // Old hits are useless: drop them now and then (1 call in 100).
      if (Math.random() < 0.01)
        await db.$executeRaw`DELETE FROM ${table} WHERE at < ${new Date(now.getTime() - KEEP_HITS_MS)}`;
      return count(key, windowSeconds, now);
    },
    peek: count,
  };
}
