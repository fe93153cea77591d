/**
 * The consumer `support.user-directory` on its own (no relay, no stack): events are handed to
 * it as the bus would, in whatever order and as often as a test likes.
 */
import { deliveredEvent } from '../../../test/helpers/events';
import { randomUUID } from 'node:crypto';
import { createPrisma, type Db } from '../../../shared/db';
import { applyOnce } from '../../../shared/events/bus';
import type { DomainEvent, EventCatalog } from '../../../shared/events/catalog';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db';
import { postgresUserDirectory } from '../src/data/user-directory';
import { userDirectoryHandlers } from '../src/domain/event-handlers';

const CONSUMER = 'support.user-directory';
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

const userChanged = (payload: EventCatalog['UserChanged']) => deliveredEvent('UserChanged', 'users', payload);
const apply = (event: DomainEvent) => applyOnce(db, CONSUMER, userDirectoryHandlers(), event);
const row = (userId: string) => db.userDirectoryEntry.findUnique({ where: { userId } });

test('a stale UserChanged (older changedAt) does not overwrite a newer row', async () => {
  const userId = randomUUID();
  const base = { userId, email: 'ines@example.com', name: 'Inés' };
  const newer = userChanged({
    ...base,
    roles: ['CUSTOMER', 'AGENT'],
    status: 'ACTIVE',
    emailVerified: true,
    changedAt: '2026-01-01T10:00:00.002Z',
  });
  const older = userChanged({
    ...base,
    email: 'old@example.com',
    roles: ['CUSTOMER'],
    status: 'DISABLED',
    emailVerified: false,
    changedAt: '2026-01-01T10:00:00.001Z',
  });

  expect(await apply(newer)).toBe(true);
  const stored = await row(userId);
  expect(stored).toEqual({
    userId,
    email: 'ines@example.com',
    roles: ['CUSTOMER', 'AGENT'],
    status: 'ACTIVE',
    emailVerified: true,
    updatedAt: new Date('2026-01-01T10:00:00.002Z'),
  });

  // Delivered late (a consumer instance died holding it): processed, but changes nothing.
  expect(await apply(older)).toBe(true);
  expect(await row(userId)).toEqual(stored);
  // Nor does another event of the same version.
  expect(await apply(userChanged({ ...older.payload, changedAt: newer.payload.changedAt }))).toBe(true);
  expect(await row(userId)).toEqual(stored);

  const directory = postgresUserDirectory(db);
  expect(await directory.isAgent(userId)).toBe(true);
  expect(await directory.emailOf(userId)).toBe('ines@example.com');

  // A newer one does apply.
  await apply(
    userChanged({ ...base, roles: ['CUSTOMER', 'AGENT'], status: 'DISABLED', changedAt: '2026-01-01T10:00:01.000Z' }),
  );
  expect((await row(userId))!.status).toBe('DISABLED');
  expect(await directory.isAgent(userId)).toBe(false);
});

test('a redelivered UserChanged changes nothing', async () => {
  const userId = randomUUID();
  const first = userChanged({
    userId,
    email: 'pablo@example.com',
    name: 'Pablo',
    roles: ['CUSTOMER'],
    status: 'ACTIVE',
    changedAt: '2026-02-01T09:00:00.000Z',
  });
  const second = userChanged({ ...first.payload, roles: ['AGENT'], changedAt: '2026-02-01T09:00:05.000Z' });
  expect(await apply(first)).toBe(true);
  expect(await apply(second)).toBe(true);
  const stored = await row(userId);

  // Both again, in any order: already processed, skipped without touching the row.
  expect(await apply(second)).toBe(false);
  expect(await apply(first)).toBe(false);
  expect(await row(userId)).toEqual(stored);
  expect(stored!.roles).toEqual(['AGENT']);
  expect(
    await db.processedEvent.count({ where: { consumer: CONSUMER, eventId: { in: [first.eventId, second.eventId] } } }),
  ).toBe(2);
});

test('a user support never heard of has no email and is no agent', async () => {
  const directory = postgresUserDirectory(db);
  const unknown = randomUUID();
  expect(await directory.emailOf(unknown)).toBeNull();
  expect(await directory.isAgent(unknown)).toBe(false);
});
