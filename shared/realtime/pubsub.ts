/**
 * Realtime fan-out for GraphQL subscriptions: lossy by design. An event published
 * while nobody listens, or while Redis is unreachable, is gone; durable cross-domain effects
 * go through the domain-event outbox instead. Publish *after* the transaction commits, so a
 * subscriber never sees a change that was rolled back.
 *
 * Payloads travel as JSON (in memory too, so both modes behave alike: a `Date` arrives as its
 * ISO string, and a subscriber cannot mutate what another one receives). Events of one channel
 * from one publisher arrive in publish order.
 */
import type Redis from 'ioredis';
import type { Logger } from '../logger';
import { isRedisReady } from '../redis';
import { AsyncQueue } from './queue';

export interface PubSub {
  publish(channel: string, payload: unknown): Promise<void>;
  /**
   * The events of `channel` from now on. `return()` on the iterator unsubscribes (graphql-js
   * calls it when the client's subscription ends). A subscriber that falls more than
   * `MAX_PENDING_EVENTS` behind fails with `QueueOverflowError` rather than buffer without
   * bound.
   */
  subscribe<T = unknown>(channel: string): AsyncIterableIterator<T>;
}

/** Events buffered per subscriber before it is considered stuck and ended. */
export const MAX_PENDING_EVENTS = 1000;

/** Channel → its subscribers' queues; shared by both implementations. */
class Subscribers {
  private readonly channels = new Map<string, Set<AsyncQueue<unknown>>>();

  /** Adds a subscriber; `onFirst`/`onLast` fire when a channel gains its first or loses its last one. */
  add<T>(channel: string, hooks: { onFirst(): void; onLast(): void }): AsyncQueue<T> {
    let queues = this.channels.get(channel);
    const queue: AsyncQueue<unknown> = new AsyncQueue<unknown>({
      maxPending: MAX_PENDING_EVENTS,
      onClose: () => {
        const current = this.channels.get(channel);
        if (!current?.delete(queue) || current.size > 0) return;
        this.channels.delete(channel);
        hooks.onLast();
      },
    });
    if (!queues) {
      queues = new Set();
      this.channels.set(channel, queues);
      hooks.onFirst();
    }
    queues.add(queue);
    return queue as AsyncQueue<T>;
  }

  deliver(channel: string, json: string): void {
    const queues = this.channels.get(channel);
    if (!queues) return;
    for (const queue of [...queues]) queue.push(JSON.parse(json));
  }

  failAll(channel: string, error: unknown): void {
    for (const queue of [...(this.channels.get(channel) ?? [])]) queue.fail(error);
  }

  get size(): number {
    return this.channels.size;
  }
}

/** In-process pub/sub: embedded mode, where every subgraph runs in one process per service. */
export function createMemoryPubSub(): PubSub {
  const subscribers = new Subscribers();
  const noop = () => undefined;
  return {
    async publish(channel, payload) {
      subscribers.deliver(channel, JSON.stringify(payload));
    },
    subscribe: (channel) => subscribers.add(channel, { onFirst: noop, onLast: noop }),
  };
}

/**
 * Redis pub/sub: events cross instances. Publishing uses `redis`; listening needs a connection
 * in subscriber mode, so one is duplicated from it when the first channel is subscribed and
 * closed when the last one is unsubscribed (nothing to close by hand). ioredis resubscribes
 * after a reconnect; events published meanwhile are lost (lossy fan-out).
 */
export function createRedisPubSub(redis: Redis, logger?: Logger): PubSub {
  const subscribers = new Subscribers();
  let connection: Redis | undefined;

  const listener = (): Redis => {
    if (!connection) {
      connection = redis.duplicate();
      connection.on('message', (channel: string, message: string) => {
        try {
          subscribers.deliver(channel, message);
        } catch (err) {
          logger?.warn('realtime message dropped', { channel, error: (err as Error).message });
        }
      });
      connection.on('error', (err: Error) =>
        logger?.warn('realtime subscriber connection error', { error: err.message }),
      );
    }
    return connection;
  };

  return {
    async publish(channel, payload) {
      // The caller's request waits for this: with Redis down, drop the event now (lossy by
      // design) rather than queue it behind the reconnection until the command times out.
      if (!isRedisReady(redis)) throw new Error('realtime event not sent: Redis is not connected');
      await redis.publish(channel, JSON.stringify(payload));
    },
    subscribe<T>(channel: string) {
      return subscribers.add<T>(channel, {
        onFirst: () => {
          listener()
            .subscribe(channel)
            .catch((err: Error) => subscribers.failAll(channel, err));
        },
        onLast: () => {
          const current = connection;
          if (!current) return;
          if (subscribers.size === 0) {
            connection = undefined;
            current.disconnect();
          } else {
            current.unsubscribe(channel).catch(() => undefined);
          }
        },
      });
    },
  };
}

const redisPubSubs = new WeakMap<Redis, PubSub>();
let processPubSub: PubSub | undefined;

/**
 * The pub/sub of a process: over `redis` when given (one per Redis client, so every subgraph
 * server built on the same client shares one subscriber connection), else the process-wide
 * in-memory one (embedded mode).
 */
export function pubsubFor(deps: { redis?: Redis; logger?: Logger }): PubSub {
  if (!deps.redis) return (processPubSub ??= createMemoryPubSub());
  let pubsub = redisPubSubs.get(deps.redis);
  if (!pubsub) {
    pubsub = createRedisPubSub(deps.redis, deps.logger);
    redisPubSubs.set(deps.redis, pubsub);
  }
  return pubsub;
}

/**
 * Keeps the events `predicate` accepts: the per-event authorization hook of a subscription
 * resolver. The predicate sees each payload in order; returning false skips the event, and
 * throwing (e.g. `forbidden()`) ends the subscription with that error, which reaches the client
 * with its code.
 */
export function withFilter<T>(
  source: AsyncIterableIterator<T>,
  predicate: (payload: T) => boolean | Promise<boolean>,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return result;
        let keep: boolean;
        try {
          keep = await predicate(result.value);
        } catch (err) {
          await source.return?.();
          throw err;
        }
        if (keep) return result;
      }
    },
    async return() {
      return (await source.return?.()) ?? { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Maps each value of `source` through `map`, in order; `return()` reaches the source. */
export function mapAsyncIterator<T, U>(
  source: AsyncIterator<T>,
  map: (value: T) => U | Promise<U>,
): AsyncIterableIterator<U> {
  const iterator: AsyncIterableIterator<U> = {
    async next() {
      const result = await source.next();
      if (result.done) return { value: undefined, done: true };
      try {
        return { value: await map(result.value), done: false };
      } catch (err) {
        await source.return?.();
        throw err;
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
