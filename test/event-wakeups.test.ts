/**
 * Relays and consumers woken by Postgres LISTEN/NOTIFY (shared/events/wakeups.ts): with the
 * default safety poll of SAFETY_POLL_MS, an event still arrives well before a poll could have
 * found it, also after the listening connection was killed.
 */
import Redis from 'ioredis';
import { createPrisma, type Db } from '../shared/db';
import { SAFETY_POLL_MS, startConsumer, startRelay, type Worker } from '../shared/events/bus';
import type { EventCatalog } from '../shared/events/catalog';
import { emit } from '../shared/events/outbox';
import { postgresWakeups, type Wakeups } from '../shared/events/wakeups';
import { createLogger } from '../shared/logger';
import { createTestDatabase, type TestDatabase } from './helpers/db';
import { eventually } from './helpers/eventually';
import { describeWithRedis, testRedisUrl } from './helpers/redis';

const logger = createLogger('test', 'silent');
/** Generous, yet a relay and a consumer that only polled would need about twice the poll. */
const WELL_UNDER_THE_POLL_MS = SAFETY_POLL_MS / 2;
const LISTENER = 'event wake-up listener';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma({ databaseUrl: database.url, connectTimeoutMs: 5000 });
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

let n = 0;
const payload = (): EventCatalog['EventPublished'] => ({
  eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  organizerId: '00000000-0000-4000-8000-000000000000',
  publishedAt: new Date().toISOString(),
});

/** The backends of this database's wake-up listener (the connection every worker shares). */
const listenerBackends = () =>
  db.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${LISTENER}`;

describe('woken through postgres', () => wakeupTests('postgres'));
describeWithRedis('woken through redis', () => wakeupTests('redis'));

function wakeupTests(transport: 'postgres' | 'redis'): void {
  const consumer = `test.wakeups.${transport}`;
  const stream = `test-wakeups-${process.pid}-${Date.now()}`;
  const applied = new Map<string, number>();
  let redis: Redis | undefined;
  let wakeups: Wakeups;
  let workers: Worker[] = [];

  /** Emits one event and resolves with the milliseconds until the consumer applied it. */
  const deliveryMs = async () => {
    const started = performance.now();
    const eventId = await db.$transaction((tx) => emit(tx, 'tickets', 'EventPublished', payload()));
    await eventually(() => applied.has(eventId), { timeoutMs: 4 * SAFETY_POLL_MS, what: `event ${eventId}` });
    return applied.get(eventId)! - started;
  };

  beforeAll(async () => {
    if (transport === 'redis') redis = new Redis(testRedisUrl!);
    wakeups = postgresWakeups(database.url, logger);
    await eventually(async () => (await listenerBackends()).length === 1, { what: 'the listener' });
    const bus = { db, redis, stream, logger, wakeups };
    workers = [
      startRelay(bus),
      startConsumer({
        ...bus,
        name: consumer,
        handlers: { EventPublished: async (_tx, event) => void applied.set(event.eventId, performance.now()) },
      }),
    ];
    // The first pass of each worker runs at start; what follows is woken.
    await deliveryMs();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await wakeups.close();
    await redis?.del(stream);
    redis?.disconnect();
  });

  test('idle workers deliver an event well under the safety poll', async () => {
    for (let i = 0; i < 3; i++) expect(await deliveryMs()).toBeLessThan(WELL_UNDER_THE_POLL_MS);
  });

  test('a killed listening connection comes back: what was emitted meanwhile, and after, arrives well under the safety poll', async () => {
    const [before] = await listenerBackends();
    await db.$queryRaw`SELECT pg_terminate_backend(${before!.pid})`;
    // Emitted while nobody listens: the listener's return wakes every worker (after 1 s).
    expect(await deliveryMs()).toBeLessThan(WELL_UNDER_THE_POLL_MS);
    const after = await listenerBackends();
    expect(after).toHaveLength(1);
    expect(after[0]!.pid).not.toBe(before!.pid);
    for (let i = 0; i < 3; i++) expect(await deliveryMs()).toBeLessThan(WELL_UNDER_THE_POLL_MS);
  }, 60_000);
}
