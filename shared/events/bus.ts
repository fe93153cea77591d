/**
 * Delivery of domain events from the outbox to consumers, at least once, in commit order.
 *
 * - With Redis: the relay appends each event to a stream (`domain-events` unless told); every consumer is a
 *   consumer group, so each event reaches one instance of each consumer. An instance that dies
 *   holding events leaves them pending; they are claimed by another instance (or itself,
 *   restarted) after `claimIdleMs`.
 * - Without Redis (embedded mode): the outbox is the log. Consumers read published events by
 *   `seq` from Postgres and keep a cursor per consumer.
 *
 * Either way a consumer applies an event in a transaction that also records it in
 * `processed_events`, so redelivery never applies an effect twice.
 */

import type Redis from 'ioredis';
import { TRANSACTION_OPTIONS, type Db, type Tx } from '../db';
import type { Logger } from '../logger';
import type { DomainEvent, EventType } from './catalog';
import { eventBatchFallbacks, eventsDelivered } from '../metrics';
import { OUTBOX_PUBLISHED_CHANNEL, OUTBOX_WRITTEN_CHANNEL, type WakeupChannel, type Wakeups } from './wakeups';
import {
  advanceCursor,
  cursorLag,
  hasProcessedAny,
  markAllProcessed,
  markProcessed,
  publishPending,
  readCursor,
  readPublishedAfter,
  readUnprocessedAfter,
} from './outbox';

export const DEFAULT_STREAM = 'domain-events';
/** Roughly how many events the Redis stream retains; consumers far behind that lose nothing
 * already acknowledged, but a brand-new consumer group only sees what is retained. */
const STREAM_MAX_LEN = 1_000_000;

/**
 * Registers something to do once the handler's transaction has committed (and only then):
 * realtime notifications, which must never announce a change that rolls back. It runs once
 * per application of the event, after the commit, and must not throw.
 */
export type AfterCommit = (effect: () => Promise<void>) => void;

/**
 * Runs last in every transaction that applied events, after their handlers (before a batch's
 * cursor): it writes what the handlers deferred to it, e.g. additions merged over a batch and
 * written once per table. It sees only events applied in that transaction, each once.
 */
export type BeforeCommit = (tx: Tx) => Promise<void>;

export type EventHandlers = {
  [T in EventType]?: (tx: Tx, event: DomainEvent<T>, afterCommit: AfterCommit) => Promise<void>;
};

export interface Worker {
  /** One pass of work (relay: publish pending; consumer: read and apply); resolves with the count. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export interface LoopOptions {
  logger: Logger;
  pollMs: number;
  name: string;
  /**
   * Subscribes the loop's wake-up (returns the unsubscribe): called while the loop waits, it
   * runs a pass at once; called during a pass, another pass follows it. Ignored while the loop
   * backs off after failures, so a flood of notifications cannot hammer a failing dependency.
   */
  wakeOn?: (wake: () => void) => () => void;
}

/**
 * Runs `step` until stopped: immediately again while it finds work, after `pollMs` when idle
 * (or sooner, when woken), backing off exponentially (up to 30 s) while it fails. Every
 * background worker uses it.
 */
export function loop(step: () => Promise<number>, { logger, pollMs, name, wakeOn }: LoopOptions): Worker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let failures = 0;
  let waiting = false;
  let woken = false;
  // A slow safety poll must not make the first retry after a failure slow too.
  const backoffBaseMs = Math.min(pollMs, 1_000);
  const tick = () => {
    if (stopped) return;
    waiting = false;
    woken = false;
    running = step()
      .then((n) => {
        failures = 0;
        return n > 0 || woken ? 0 : pollMs;
      })
      .catch((err: Error) => {
        failures++;
        logger.error(`${name} failed`, { error: err.message, failures });
        return Math.min(30_000, backoffBaseMs * 2 ** Math.min(failures, 8));
      })
      .then((delay) => {
        if (stopped) return;
        waiting = true;
        timer = setTimeout(tick, delay);
      });
  };
  const unsubscribe = wakeOn?.(() => {
    if (stopped || failures > 0) return;
    if (!waiting) {
      woken = true;
      return;
    }
    clearTimeout(timer);
    tick();
  });
  timer = setTimeout(tick, 0);
  return {
    runOnce: step,
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearTimeout(timer);
      await running;
    },
  };
}

function encode(event: DomainEvent): string[] {
  return ['event', JSON.stringify(event)];
}

function decode(fields: string[]): DomainEvent {
  const index = fields.indexOf('event');
  return JSON.parse(fields[index + 1]!) as DomainEvent;
}

/** What a process's relay and consumers share: `eventBus(deps)` of the subgraph's deps. */
export interface BusOptions {
  db: Db;
  redis?: Redis;
  /** The Redis stream; every relay and consumer of one deployment must agree on it. */
  stream?: string;
  logger: Logger;
  /**
   * The process's Postgres wake-ups (wakeups.ts): relays and consumers then sleep until told,
   * polling only every `SAFETY_POLL_MS`. Without them they poll every `POLL_MS`.
   */
  wakeups?: Wakeups;
}

/** How often a worker without wake-ups looks for work. */
export const POLL_MS = 100;
/**
 * How often a woken worker looks anyway: what it would miss is only a lost notification (its
 * listening connection came back, which wakes it too), or with Redis an event a dead instance
 * left pending.
 */
export const SAFETY_POLL_MS = 5_000;

export function eventBus(deps: {
  db: Db;
  redis?: Redis;
  eventStream?: string;
  logger: Logger;
  wakeups?: Wakeups;
}): BusOptions {
  return { db: deps.db, redis: deps.redis, stream: deps.eventStream, logger: deps.logger, wakeups: deps.wakeups };
}

/** The loop options of a bus worker: woken on `channel` when the process has wake-ups. */
function busLoop(options: BusOptions & { pollMs?: number }, channel: WakeupChannel, name: string): LoopOptions {
  const { wakeups } = options;
  return {
    logger: options.logger,
    name,
    pollMs: options.pollMs ?? (wakeups ? SAFETY_POLL_MS : POLL_MS),
    wakeOn: wakeups && ((wake) => wakeups.on(channel, wake)),
  };
}

/** Starts the outbox relay of a process. Several relays (any process, any instance) take turns. */
export function startRelay(options: BusOptions & { pollMs?: number; batchSize?: number }): Worker {
  const { db, redis } = options;
  const stream = options.stream ?? DEFAULT_STREAM;
  const publish = redis
    ? async (events: DomainEvent[]) => {
        const pipeline = redis.pipeline();
        for (const e of events) pipeline.xadd(stream, 'MAXLEN', '~', STREAM_MAX_LEN, '*', ...encode(e));
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      }
    : async () => {
        // Postgres transport: numbering the rows published them.
      };
  return loop(
    () => publishPending(db, options.batchSize ?? 200, publish),
    busLoop(options, OUTBOX_WRITTEN_CHANNEL, 'outbox relay'),
  );
}

export interface ConsumerOptions extends BusOptions {
  /** Stable name of the consumer (one per effect), e.g. `tickets.issue-on-order-paid`. */
  name: string;
  handlers: EventHandlers;
  pollMs?: number;
  batchSize?: number;
  /** Redis only: pending events idle this long are taken over from a dead instance. */
  claimIdleMs?: number;
  /** Redis only: this instance's name in the group. */
  instance?: string;
  /**
   * Apply each batch read in one transaction (`applyBatch`) instead of one per event: one
   * commit for up to `batchSize` events, for a consumer that must keep up with bursts. Its
   * handlers hold their row locks until the batch commits.
   */
  transactionPerBatch?: boolean;
  beforeCommit?: BeforeCommit;
}

/**
 * Applies one event once: the processed record and the effect commit together; what the
 * handler registered with `afterCommit` runs after that commit.
 */
export async function applyOnce(
  db: Db,
  consumer: string,
  handlers: EventHandlers,
  event: DomainEvent,
  beforeCommit?: BeforeCommit,
): Promise<boolean> {
  const handler = handlers[event.type] as
    ((tx: Tx, e: DomainEvent, afterCommit: AfterCommit) => Promise<void>) | undefined;
  if (!handler) return false;
  const effects: (() => Promise<void>)[] = [];
  const applied = await db.$transaction(async (tx) => {
    if (!(await markProcessed(tx, consumer, event.eventId))) return false;
    await handler(tx, event, (effect) => effects.push(effect));
    await beforeCommit?.(tx);
    return true;
  });
  for (const effect of effects) await effect();
  if (applied) eventsDelivered.inc({ consumer, type: event.type });
  return applied;
}

/**
 * Applies `events` once each in ONE transaction: their processed records and effects commit
 * together (`beforeCommit` after the handlers, then `also`: a cursor's advance), then their
 * `afterCommit` effects run. Should the batch fail (a poison event, a deadlock), nothing of it
 * commits, and the events are applied one at a time instead (`applyOnce`, `beforeCommit` in
 * each), so a failing event fails alone. Resolves with how many were applied (the rest had
 * been already).
 */
export async function applyBatch(
  db: Db,
  consumer: string,
  handlers: EventHandlers,
  events: readonly DomainEvent[],
  { also, beforeCommit }: { also?: (tx: Tx) => Promise<void>; beforeCommit?: BeforeCommit } = {},
): Promise<number> {
  const effects: (() => Promise<void>)[] = [];
  let applied: DomainEvent[];
  try {
    applied = await db.$transaction(async (tx) => {
      const handled = events.filter((e) => handlers[e.type]);
      const fresh = await markAllProcessed(
        tx,
        consumer,
        handled.map((e) => e.eventId),
      );
      const done: DomainEvent[] = [];
      for (const event of handled) {
        // `delete`: an event delivered twice in one batch is applied once.
        if (!fresh.delete(event.eventId.toLowerCase())) continue;
        const handler = handlers[event.type] as (tx: Tx, e: DomainEvent, afterCommit: AfterCommit) => Promise<void>;
        await handler(tx, event, (effect) => effects.push(effect));
        done.push(event);
      }
      await beforeCommit?.(tx);
      await also?.(tx);
      return done;
    }, TRANSACTION_OPTIONS);
  } catch {
    eventBatchFallbacks.inc({ consumer });
    let count = 0;
    for (const event of events) if (await applyOnce(db, consumer, handlers, event, beforeCommit)) count++;
    if (also) await db.$transaction(also);
    return count;
  }
  for (const effect of effects) await effect();
  for (const event of applied) eventsDelivered.inc({ consumer, type: event.type });
  return applied.length;
}

export function startConsumer(options: ConsumerOptions): Worker {
  const { db, redis, name, handlers, beforeCommit } = options;
  const stream = options.stream ?? DEFAULT_STREAM;
  const batchSize = options.batchSize ?? 100;
  const loopOptions = busLoop(options, OUTBOX_PUBLISHED_CHANNEL, `consumer ${name}`);

  if (!redis) {
    return loop(async () => {
      const events = await readPublishedAfter(db, await readCursor(db, name), batchSize);
      if (options.transactionPerBatch && events.length > 0) {
        const last = BigInt(events[events.length - 1]!.seq);
        await applyBatch(db, name, handlers, events, { also: (tx) => advanceCursor(tx, name, last), beforeCommit });
        return events.length;
      }
      for (const event of events) {
        await applyOnce(db, name, handlers, event, beforeCommit);
        await advanceCursor(db, name, BigInt(event.seq));
      }
      return events.length;
    }, loopOptions);
  }

  const instance = options.instance ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  let groupReady: Promise<void> | undefined;
  let catchUp = false;
  const createGroup = async () => {
    try {
      await redis.xgroup('CREATE', stream, name, '0', 'MKSTREAM');
    } catch (err) {
      if ((err as Error).message.includes('BUSYGROUP')) return;
      throw err;
    }
    // A new group of a consumer that applied events before: Redis lost the stream (restarted
    // without persistence, or flushed), and with it whatever it held undelivered to us.
    catchUp = await hasProcessedAny(db, name);
  };
  const ensureGroup = () =>
    (groupReady ??= createGroup().catch((err: Error) => {
      groupReady = undefined;
      throw err;
    }));

  /** Applies what the outbox published that this consumer never applied (the events Redis lost). */
  const catchUpFromOutbox = async () => {
    const types = Object.keys(handlers);
    let count = 0;
    for (let after = 0n; ;) {
      const events = await readUnprocessedAfter(db, name, types, after, batchSize);
      for (const event of events) if (await applyOnce(db, name, handlers, event, beforeCommit)) count++;
      if (events.length < batchSize) break;
      after = BigInt(events[events.length - 1]!.seq);
    }
    options.logger.warn('redis lost the event stream; caught up from the outbox', { consumer: name, applied: count });
    return count;
  };

  const handle = async (entries: [string, string[]][]) => {
    if (options.transactionPerBatch && entries.length > 0) {
      await applyBatch(
        db,
        name,
        handlers,
        entries.map(([, fields]) => decode(fields)),
        { beforeCommit },
      );
      await redis.xack(stream, name, ...entries.map(([id]) => id));
      return entries.length;
    }
    for (const [id, fields] of entries) {
      await applyOnce(db, name, handlers, decode(fields), beforeCommit);
      await redis.xack(stream, name, id);
    }
    return entries.length;
  };

  const pass = async () => {
    await ensureGroup();
    let count = 0;
    if (catchUp) {
      count += await catchUpFromOutbox();
      catchUp = false;
    }
    // Events a dead instance (or this one, before a restart) took and never acknowledged.
    const [, claimed] = (await redis.xautoclaim(stream, name, instance, claimIdleMs, '0', 'COUNT', batchSize)) as [
      string,
      [string, string[]][],
    ];
    count += await handle(claimed);
    const read = (await redis.xreadgroup('GROUP', name, instance, 'COUNT', batchSize, 'STREAMS', stream, '>')) as
      [string, [string, string[]][]][] | null;
    for (const [, entries] of read ?? []) count += await handle(entries);
    return count;
  };

  return loop(async () => {
    try {
      return await pass();
    } catch (err) {
      if (!(err as Error).message.startsWith('NOGROUP')) throw err;
      // The group vanished under us (Redis restarted without persistence): make it again.
      groupReady = undefined;
      return pass();
    }
  }, loopOptions);
}

/**
 * How many events each consumer has yet to apply: with Redis, each consumer group's `lag` (Redis
 * 7's XINFO GROUPS: entries added to the stream after the group's last delivered one); without,
 * how far each cursor is behind the newest published event.
 */
export async function consumerLag(
  db: Db,
  redis: Redis | undefined,
  stream = DEFAULT_STREAM,
): Promise<{ consumer: string; lag: number }[]> {
  if (!redis) return cursorLag(db);
  let groups: unknown[];
  try {
    groups = (await redis.xinfo('GROUPS', stream)) as unknown[];
  } catch (err) {
    if ((err as Error).message.includes('no such key')) return []; // nothing relayed yet
    throw err;
  }
  return groups.flatMap((group) => {
    const fields = group as (string | number | null)[];
    const at = (key: string) => fields[fields.indexOf(key) + 1];
    const lag = at('lag');
    // `lag` is null when Redis cannot tell (entries deleted past the group's position).
    return typeof lag === 'number' ? [{ consumer: String(at('name')), lag }] : [];
  });
}
