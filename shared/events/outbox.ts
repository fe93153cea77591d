import { Prisma } from '../../prisma/generated/prisma/client';
import type { Db, Tx } from '../db';
import type { SubgraphName } from '../services';
import type { DomainEvent, EventCatalog, EventType } from './catalog';
import { OUTBOX_PUBLISHED_CHANNEL } from './wakeups';

/** The services that produce domain events (the `producer` of every outbox row): the subgraphs. */
export type Producer = SubgraphName;

/**
 * Data access for the outbox and the processed-events record. `emit` must be called with the
 * transaction that makes the state change, so the change and its event commit together.
 * Services emit through their own `eventProducer` (in `domain/events.ts`), not with a string.
 */
export async function emit<T extends EventType>(
  tx: Tx,
  producer: Producer,
  type: T,
  payload: EventCatalog[T],
): Promise<string> {
  const row = await tx.outboxEvent.create({
    data: { producer, type, payload: payload },
    select: { eventId: true },
  });
  return row.eventId;
}

/**
 * `emit` for a change made in one SQL statement instead of an interactive transaction: the
 * outbox INSERT of one event per row of `from`, with each payload field an SQL expression over
 * those rows (the keys are the catalog's, checked here; the values' types are the SQL's
 * responsibility). Postgres refuses a table with rules (the outbox's NOTIFY) as the target of
 * a data-modifying CTE, so this INSERT must be the statement's top level, the change being its
 * `WITH` and `from` a CTE of it; the NOTIFY fires even when `from` is empty (a relay's pass
 * that finds nothing). One statement commits as a whole, so the change and its event commit
 * together.
 */
export function emitSql<T extends EventType>(
  producer: Producer,
  type: T,
  payload: Record<keyof EventCatalog[T] & string, Prisma.Sql>,
  from: Prisma.Sql,
): Prisma.Sql {
  const fields = Object.entries<Prisma.Sql>(payload).map(([key, value]) => Prisma.sql`${key}::text, ${value}`);
  return Prisma.sql`
    INSERT INTO events.outbox (event_id, type, producer, payload)
    SELECT gen_random_uuid(), ${type}, ${producer}, jsonb_build_object(${Prisma.join(fields)}) FROM ${from}`;
}

/** The state events emitted so far by each open transaction, by key (see `emitState`). */
const stateEvents = new WeakMap<Tx, Map<string, string>>();

/**
 * Emits an event that states an entity's current state, at most once per `key` per
 * transaction: a later call with the same key in the same transaction rewrites the payload of
 * the row the first one wrote (uncommitted, so no relay has seen it), and the one event carries
 * the state the transaction commits. The row keeps its place in the outbox.
 */
export async function emitState<T extends EventType>(
  tx: Tx,
  producer: Producer,
  type: T,
  key: string,
  payload: EventCatalog[T],
): Promise<string> {
  const emitted = stateEvents.get(tx) ?? new Map<string, string>();
  stateEvents.set(tx, emitted);
  const slot = `${type}/${key}`;
  const earlier = emitted.get(slot);
  if (earlier) {
    await tx.outboxEvent.update({ where: { eventId: earlier }, data: { payload } });
    return earlier;
  }
  const eventId = await emit(tx, producer, type, payload);
  emitted.set(slot, eventId);
  return eventId;
}

/** One service's emitter: `emit(tx, type, payload)` records the event in that transaction. */
export interface EventProducer {
  readonly name: Producer;
  emit<T extends EventType>(tx: Tx, type: T, payload: EventCatalog[T]): Promise<string>;
  /** `emitState`: at most one event per `key` per transaction, with the last payload. */
  emitState<T extends EventType>(tx: Tx, type: T, key: string, payload: EventCatalog[T]): Promise<string>;
}

export function eventProducer(name: Producer): EventProducer {
  return {
    name,
    emit: (tx, type, payload) => emit(tx, name, type, payload),
    emitState: (tx, type, key, payload) => emitState(tx, name, type, key, payload),
  };
}

/** Any lock id will do as long as every relay uses the same one. */
const RELAY_LOCK = 7_001_001;

interface OutboxRow {
  event_id: string;
  type: string;
  producer: string;
  payload: unknown;
  created_at: Date;
  seq: bigint;
}

const toEvent = (row: OutboxRow): DomainEvent =>
  ({
    eventId: row.event_id,
    type: row.type,
    producer: row.producer,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    seq: row.seq.toString(),
  }) as DomainEvent;

/**
 * Publishes up to `limit` unpublished events: numbers them (`seq`), hands them to `publish`
 * and marks them published, all in one transaction under an advisory lock. Relays therefore
 * take turns, and `seq` order is commit order. If `publish` succeeds but the commit fails, the
 * events are published again later: delivery is at least once, consumers deduplicate.
 *
 * A relay that finds the lock taken answers 0 at once rather than wait: every relay wakes on
 * the same notification, and waiting ones would only hold pooled connections. The holder
 * heard that notification too, so it passes again if it came after its read.
 */
export async function publishPending(
  db: Db,
  limit: number,
  publish: (events: DomainEvent[]) => Promise<void>,
): Promise<number> {
  return db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS locked`;
    if (!lock?.locked) return 0;
    const rows = await tx.$queryRaw<OutboxRow[]>`
      WITH next AS (
        SELECT id FROM events.outbox WHERE published_at IS NULL ORDER BY id LIMIT ${limit}
      ), numbered AS (
        SELECT next.id, (SELECT COALESCE(MAX(seq), 0) FROM events.outbox) + ROW_NUMBER() OVER (ORDER BY next.id) AS seq
        FROM next
      )
      UPDATE events.outbox o SET seq = numbered.seq, published_at = now()
      FROM numbered WHERE o.id = numbered.id
      RETURNING o.event_id, o.type, o.producer, o.payload, o.created_at, o.seq`;
    if (rows.length === 0) return 0;
    const events = rows.sort((a, b) => (a.seq < b.seq ? -1 : 1)).map(toEvent);
    await publish(events);
    // Wakes the consumers (wakeups.ts) at commit, when the events are there to read.
    await tx.$executeRaw`SELECT pg_notify(${OUTBOX_PUBLISHED_CHANNEL}, '')`;
    return events.length;
  });
}

/** Published events after `seq`, in order (the Postgres transport's read). */
export async function readPublishedAfter(db: Db, seq: bigint, limit: number): Promise<DomainEvent[]> {
  const rows = await db.$queryRaw<OutboxRow[]>`
    SELECT event_id, type, producer, payload, created_at, seq FROM events.outbox
    WHERE seq > ${seq} ORDER BY seq LIMIT ${limit}`;
  return rows.map(toEvent);
}

/** Has `consumer` ever applied an event (a row in the processed-events record)? */
export async function hasProcessedAny(db: Db, consumer: string): Promise<boolean> {
  const [row] = await db.$queryRaw<{ any: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM events.processed_events WHERE consumer = ${consumer}) AS any`;
  return row?.any ?? false;
}

/**
 * Published events of `types` after `seq` that `consumer` has not applied, in order: what a
 * Redis consumer catches up on once Redis lost its stream (see `startConsumer`). It reads the
 * whole outbox past `seq` (the processed record has no order to start from), which is why it
 * runs only then.
 */
export async function readUnprocessedAfter(
  db: Db,
  consumer: string,
  types: readonly string[],
  seq: bigint,
  limit: number,
): Promise<DomainEvent[]> {
  const rows = await db.$queryRaw<OutboxRow[]>`
    SELECT o.event_id, o.type, o.producer, o.payload, o.created_at, o.seq FROM events.outbox o
    WHERE o.seq > ${seq} AND o.type = ANY(${types}::text[])
      AND NOT EXISTS (
        SELECT 1 FROM events.processed_events p WHERE p.consumer = ${consumer} AND p.event_id = o.event_id)
    ORDER BY o.seq LIMIT ${limit}`;
  return rows.map(toEvent);
}

export async function readCursor(db: Db, consumer: string): Promise<bigint> {
  const row = await db.consumerCursor.findUnique({ where: { consumer } });
  return row?.seq ?? 0n;
}

/** Moves a consumer's cursor forward (never back, should two instances race). */
export async function advanceCursor(db: Db | Tx, consumer: string, seq: bigint): Promise<void> {
  await db.$executeRaw`
    INSERT INTO events.consumer_cursors (consumer, seq, updated_at) VALUES (${consumer}, ${seq}, now())
    ON CONFLICT (consumer) DO UPDATE SET seq = GREATEST(events.consumer_cursors.seq, EXCLUDED.seq), updated_at = now()`;
}

/**
 * Records that `consumer` applied `eventId`, in the consumer's transaction. `false` means it
 * already had: the caller skips the effect.
 */
export async function markProcessed(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO events.processed_events (consumer, event_id) VALUES (${consumer}, ${eventId}::uuid)
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

/** `markProcessed` of many events in one statement: the ids of those not applied before. */
export async function markAllProcessed(tx: Tx, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ event_id: string }[]>`
    INSERT INTO events.processed_events (consumer, event_id)
    SELECT ${consumer}, unnest(${eventIds}::uuid[])
    ON CONFLICT DO NOTHING
    RETURNING event_id::text`;
  return new Set(rows.map((r) => r.event_id));
}

/** Postgres transport: how many published events each consumer's cursor is behind the newest. */
export async function cursorLag(db: Db): Promise<{ consumer: string; lag: number }[]> {
  const rows = await db.$queryRaw<{ consumer: string; lag: number }[]>`
    SELECT c.consumer, GREATEST(0, (SELECT COALESCE(MAX(seq), 0) FROM events.outbox) - c.seq)::float8 AS lag
    FROM events.consumer_cursors c`;
  return rows;
}
