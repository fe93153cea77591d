/**
 * The consumer `support.known-entities` on its own (no relay, no stack): events are handed to
 * it as the bus would, in whatever order and as often as a test likes.
 */
import { deliveredEvent } from '../../../test/helpers/events';
import { randomUUID } from 'node:crypto';
import { createPrisma, type Db } from '../../../shared/db';
import { applyOnce } from '../../../shared/events/bus';
import type { DomainEvent } from '../../../shared/events/catalog';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db';
import { postgresOwnershipChecker } from '../src/data/known-entities';
import { knownEntityHandlers } from '../src/domain/event-handlers';

const CONSUMER = 'support.known-entities';
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

const apply = (e: DomainEvent) => applyOnce(db, CONSUMER, knownEntityHandlers(), e);
const snapshot = async () => ({
  orders: await db.knownOrder.findMany({ orderBy: { orderId: 'asc' } }),
  tickets: await db.knownTicket.findMany({ orderBy: { ticketId: 'asc' } }),
  events: await db.knownEvent.findMany({ orderBy: { eventId: 'asc' } }),
});

test('each event records its facts once; redelivered events change nothing', async () => {
  const buyer = randomUUID();
  const orderId = randomUUID();
  const eventId = randomUUID();
  const tickets = [randomUUID(), randomUUID()].map((ticketId) => ({ ticketId, eventId, holderId: buyer }));
  const placed = deliveredEvent('OrderPlaced', 'orders', {
    orderId,
    buyerId: buyer,
    placedAt: '2026-03-01T10:00:00.000Z',
  });
  const published = deliveredEvent('EventPublished', 'tickets', {
    eventId,
    organizerId: randomUUID(),
    publishedAt: '2026-03-01T09:00:00.000Z',
  });
  const issued = deliveredEvent('TicketsIssued', 'tickets', { orderId, tickets, issuedAt: '2026-03-01T10:05:00.000Z' });

  for (const e of [placed, published, issued]) expect(await apply(e)).toBe(true);
  const stored = await snapshot();
  expect(stored.orders).toEqual([{ orderId, buyerId: buyer }]);
  expect(stored.events).toEqual([{ eventId }]);
  expect(stored.tickets).toEqual(expect.arrayContaining(tickets));
  expect(stored.tickets).toHaveLength(2);

  // The same events again, in another order: already processed, skipped.
  for (const e of [issued, placed, published]) expect(await apply(e)).toBe(false);
  expect(await snapshot()).toEqual(stored);
  expect(
    await db.processedEvent.count({
      where: { consumer: CONSUMER, eventId: { in: [placed.eventId, published.eventId, issued.eventId] } },
    }),
  ).toBe(3);

  // Another event about the same entities (a producer's duplicate) is applied and changes nothing.
  expect(await apply(deliveredEvent('OrderPlaced', 'orders', { ...placed.payload, buyerId: randomUUID() }))).toBe(true);
  expect(
    await apply(
      deliveredEvent('TicketsIssued', 'tickets', {
        ...issued.payload,
        tickets: tickets.map((t) => ({ ...t, holderId: randomUUID() })),
      }),
    ),
  ).toBe(true);
  expect(await apply(deliveredEvent('EventPublished', 'tickets', published.payload))).toBe(true);
  expect(await snapshot()).toEqual(stored);

  const ownership = postgresOwnershipChecker(db);
  expect(await ownership.ownsOrder(buyer, orderId)).toBe(true);
  expect(await ownership.holdsTicket(buyer, tickets[0]!.ticketId)).toBe(true);
  expect(await ownership.eventExists(eventId)).toBe(true);
});

test('what support never heard of is refused', async () => {
  const ownership = postgresOwnershipChecker(db);
  const someone = randomUUID();
  const orderId = randomUUID();
  await apply(
    deliveredEvent('OrderPlaced', 'orders', { orderId, buyerId: someone, placedAt: '2026-03-02T10:00:00.000Z' }),
  );
  expect(await ownership.ownsOrder(randomUUID(), orderId)).toBe(false);
  expect(await ownership.ownsOrder(someone, randomUUID())).toBe(false);
  expect(await ownership.holdsTicket(someone, randomUUID())).toBe(false);
  expect(await ownership.eventExists(randomUUID())).toBe(false);
});
