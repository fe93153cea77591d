import Redis from 'ioredis';
import { createPrisma, type Db } from '../shared/db';
import { startConsumer, startRelay, type EventHandlers, type Worker } from '../shared/events/bus';
import type { EventCatalog } from '../shared/events/catalog';
import { emit } from '../shared/events/outbox';
import { createLogger } from '../shared/logger';
import { createTestDatabase, type TestDatabase } from './helpers/db';
import { eventually } from './helpers/eventually';
import { describeWithRedis, testRedisUrl } from './helpers/redis';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma({ databaseUrl: database.url, connectTimeoutMs: 5000 });
  // A table of effects, standing for a consumer's own domain writes.
  await db.$executeRawUnsafe(
    'CREATE TABLE public.effects (consumer text NOT NULL, event_id uuid NOT NULL, n int NOT NULL)',
  );
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

const payload = (n: number): EventCatalog['TicketTypeChanged'] => ({
  ticketTypeId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  eventId: '00000000-0000-4000-8000-000000000000',
  organizerId: '00000000-0000-4000-8000-000000000000',
  name: `type ${n}`,
  priceCents: n,
  currency: 'EUR',
  capacity: 10,
  maxPerOrder: 4,
  salesStartAt: null,
  salesEndAt: null,
  eventStatus: 'PUBLISHED',
});

function recorder(consumer: string, options: { failFirst?: number } = {}): EventHandlers {
  let failures = options.failFirst ?? 0;
  return {
    TicketTypeChanged: async (tx, event) => {
      await tx.$executeRaw`INSERT INTO public.effects (consumer, event_id, n) VALUES (${consumer}, ${event.eventId}::uuid, ${event.payload.priceCents})`;
      // Fails after writing: the effect must roll back with the processed record.
      if (failures > 0) {
        failures--;
        throw new Error('consumer crashed mid-event');
      }
    },
  };
}

async function effects(consumer: string): Promise<number[]> {
  const rows = await db.$queryRaw<
    { n: number }[]
  >`SELECT n FROM public.effects WHERE consumer = ${consumer} ORDER BY n`;
  return rows.map((r) => r.n);
}

async function emitMany(from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) {
    await db.$transaction((tx) => emit(tx, 'tickets', 'TicketTypeChanged', payload(n)));
  }
}

test('an event emitted in a rolled-back transaction is never delivered', async () => {
  await expect(
    db.$transaction(async (tx) => {
      await emit(tx, 'tickets', 'TicketTypeChanged', payload(999));
      throw new Error('rollback');
    }),
  ).rejects.toThrow('rollback');
  expect(
    await db.outboxEvent.count({
      where: { type: 'TicketTypeChanged', payload: { path: ['priceCents'], equals: 999 } },
    }),
  ).toBe(0);
});

describe('delivery through postgres', () => deliveryTests('postgres'));
// Without Redis (a bare machine, never CI: globalSetup fails there) reported as skipped.
describeWithRedis('delivery through redis', () => deliveryTests('redis'));

function deliveryTests(transport: 'postgres' | 'redis'): void {
  let redis: Redis | undefined;
  const workers: Worker[] = [];
  const consumer = `test.${transport}`;
  const stream = `test-events-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    if (transport === 'redis') {
      redis = new Redis(testRedisUrl!);
      await redis.del(stream);
    }
  });
  afterAll(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await redis?.del(stream);
    redis?.disconnect();
  });

  test('every event is applied exactly once across a consumer crash and restart and two instances', async () => {
    await db.$executeRaw`TRUNCATE events.outbox, events.processed_events, events.consumer_cursors, public.effects`;
    await emitMany(1, 20);
    const relay = startRelay({ db, redis, stream, logger, pollMs: 20 });
    workers.push(relay);
    // First instance crashes on its first two attempts (effects roll back, nothing acknowledged).
    const first = startConsumer({
      db,
      redis,
      stream,
      logger,
      name: consumer,
      handlers: recorder(consumer, { failFirst: 2 }),
      pollMs: 20,
      claimIdleMs: 200,
    });
    await eventually(async () => (await effects(consumer)).length >= 5, { what: 'the first effects' });
    await first.stop(); // "killed" mid-stream
    await emitMany(21, 40);
    // Restarted, twice over: two instances of the same consumer.
    workers.push(
      startConsumer({
        db,
        redis,
        stream,
        logger,
        name: consumer,
        handlers: recorder(consumer),
        pollMs: 20,
        claimIdleMs: 200,
        instance: 'a',
      }),
      startConsumer({
        db,
        redis,
        stream,
        logger,
        name: consumer,
        handlers: recorder(consumer),
        pollMs: 20,
        claimIdleMs: 200,
        instance: 'b',
      }),
    );
    await eventually(async () => (await effects(consumer)).length >= 40, { what: 'all 40 effects' });
    // A marker event, delivered after everything before it: once it is applied (and, on Redis,
    // every delivery is acknowledged, so nothing can be redelivered), a duplicate would show.
    await emitMany(41, 41);
    await eventually(async () => (await effects(consumer)).includes(41), { what: 'the marker event' });
    if (redis) {
      await eventually(async () => (await redis!.xpending(stream, consumer))[0] === 0, {
        what: 'every delivery to be acknowledged',
      });
    }
    expect(await effects(consumer)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(await db.processedEvent.count({ where: { consumer } })).toBe(41);
  });

  test('a transaction per batch: a batch that fails rolls back whole, then applies one at a time, each once', async () => {
    await db.$executeRaw`TRUNCATE events.outbox, events.processed_events, events.consumer_cursors, public.effects`;
    // A new consumer group reads the Redis stream from its start: the events of the test
    // before count too, so these are numbered apart.
    const batched = `${consumer}.batched`;
    const ours = async () => (await effects(batched)).filter((n) => n > 100);
    await emitMany(101, 130);
    workers.push(startRelay({ db, redis, stream, logger, pollMs: 20 }));
    const options = { db, redis, stream, logger, name: batched, pollMs: 20, claimIdleMs: 200, batchSize: 10 };
    // The first attempt fails after writing the first event's effect: the whole batch rolls back.
    workers.push(
      startConsumer({ ...options, handlers: recorder(batched, { failFirst: 1 }), transactionPerBatch: true }),
    );
    await eventually(async () => (await ours()).length >= 30, { what: 'all 30 effects' });
    await emitMany(131, 131);
    await eventually(async () => (await ours()).includes(131), { what: 'the marker event' });
    if (redis) {
      await eventually(async () => (await redis!.xpending(stream, batched))[0] === 0, {
        what: 'every delivery to be acknowledged',
      });
    }
    expect(await ours()).toEqual(Array.from({ length: 31 }, (_, i) => 101 + i));
  });

  test('relays take turns: seq follows commit order with no gaps', async () => {
    const extraRelay = startRelay({ db, redis, stream, logger, pollMs: 5 });
    workers.push(extraRelay);
    await Promise.all([emitMany(42, 60), emitMany(61, 80)]);
    await eventually(async () => (await db.outboxEvent.count({ where: { publishedAt: null } })) === 0, {
      what: 'every event to be relayed',
    });
    const seqs = (await db.outboxEvent.findMany({ select: { seq: true }, orderBy: { seq: 'asc' } })).map((r) =>
      Number(r.seq),
    );
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  });
}
