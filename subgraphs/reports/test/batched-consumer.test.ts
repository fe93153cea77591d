import { randomUUID } from 'node:crypto';
import { applyBatch } from '../../../shared/events/bus';
import { eventBatchFallbacks } from '../../../shared/metrics';
import type { DomainEvent, EventCatalog, EventType } from '../../../shared/events/catalog';
import { READ_MODEL_CONSUMER, readModelConsumer } from '../src/domain/event-handlers';
import { line, paid, refunded, startReports, type ReportsHarness } from './helpers';

/**
 * The consumer's batched path (`applyBatch` with `beforeCommit`): the additions of a batch's
 * events are merged by row and written once per table, so several events on the same rows,
 * and an event delivered twice in the batch, must still count each event exactly once; a
 * batch that fails is applied again one event at a time, each with its own writes.
 */
let r: ReportsHarness;
const { handlers, beforeCommit } = readModelConsumer({ realtime: { changed: () => undefined } });
let seq = 0;

beforeAll(async () => {
  r = await startReports();
  // Events are handed to applyBatch directly: the harness's consumer must not apply them too.
  await r.stopWorkers();
});
afterAll(() => r?.stop());

const event = <T extends EventType>(type: T, payload: EventCatalog[T]): DomainEvent => ({
  eventId: randomUUID(),
  type,
  producer: type.startsWith('Ticket') ? 'tickets' : 'orders',
  payload,
  createdAt: new Date().toISOString(),
  seq: String(++seq),
});

const apply = (events: DomainEvent[]) => applyBatch(r.db, READ_MODEL_CONSUMER, handlers, events, { beforeCommit });

/** The platform's quarter-hour and local-day rows, a product's and an event's totals, tickets sold. */
async function figures(productId: string, eventId: string, ticketTypeId: string) {
  const db = r.db;
  const [bucket] = await db.$queryRaw<Record<string, number>[]>`
    SELECT orders, gross_cents::int AS gross, refunds, refund_cents::int AS refund, tickets_sold AS tickets,
      tickets_refunded AS "ticketsRefunded", units_sold AS units
    FROM reports.sales_buckets WHERE scope_kind = 'ALL' AND bucket = '2026-04-02T10:00:00Z'`;
  const [day] = await db.$queryRaw<Record<string, number>[]>`
    SELECT orders, gross_cents::int AS gross, refund_cents::int AS refund, tickets_sold AS tickets
    FROM reports.sales_days WHERE scope_kind = 'ALL' AND day = '2026-04-02'`;
  const items = await db.$queryRaw<Record<string, number | string>[]>`
    SELECT item_kind AS kind, orders, gross_cents::int AS gross, refund_cents::int AS refund, units_sold AS units
    FROM reports.sales_items WHERE item_id IN (${productId}::uuid, ${eventId}::uuid) ORDER BY item_kind`;
  const itemBuckets = await db.$queryRaw<{ bucket: Date; units: number }[]>`
    SELECT bucket, units_sold AS units FROM reports.sales_item_buckets WHERE item_id = ${productId}::uuid ORDER BY bucket`;
  const [type] = await db.$queryRaw<{ sold: number }[]>`
    SELECT sold FROM reports.ticket_type_stock WHERE ticket_type_id = ${ticketTypeId}::uuid`;
  const [attendance] = await db.$queryRaw<{ issued: number }[]>`
    SELECT issued FROM reports.event_attendance WHERE event_id = ${eventId}::uuid`;
  const [orders] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM reports.customer_orders`;
  return { bucket, day, items, itemBuckets, sold: type?.sold, issued: attendance?.issued, customerOrders: orders!.n };
}

test('a batch of events on the same rows, one delivered twice, counts each once; a redelivered batch adds nothing', async () => {
  const seller = randomUUID();
  const [eventId, ticketTypeId, productId] = [randomUUID(), randomUUID(), randomUUID()];
  const seats = () => line({ sellerId: seller, eventId, ticketTypeId, quantity: 2, unitPriceCents: 2500 });
  const shirt = () => line({ sellerId: seller, productId, unitPriceCents: 1500 });
  // Two orders in the same quarter-hour (10:00-10:15), a third in the next one of the same day.
  const a = paid([seats(), shirt()], '2026-04-02T10:01:00Z');
  const b = paid([seats(), shirt()], '2026-04-02T10:14:00Z');
  const c = paid([shirt()], '2026-04-02T10:20:00Z');
  const paidA = event('OrderPaid', a);
  const batch = [
    paidA,
    event('OrderPaid', b),
    { ...paidA }, // redelivered within the batch
    event('OrderRefunded', refunded(b, [{ line: b.lines[0]!, quantity: 1 }], '2026-04-02T10:10:00Z')),
    event('OrderPaid', c),
    event('TicketsIssued', {
      orderId: a.orderId,
      tickets: [1, 2].map(() => ({ ticketId: randomUUID(), eventId, holderId: a.buyerId })),
      issuedAt: '2026-04-02T10:02:00Z',
    }),
  ];
  expect(await apply(batch)).toBe(5);
  const expected = {
    bucket: { orders: 2, gross: 13000, refunds: 1, refund: 2500, tickets: 4, ticketsRefunded: 1, units: 2 },
    day: { orders: 3, gross: 14500, refund: 2500, tickets: 4 },
    items: [
      { kind: 'EVENT', orders: 2, gross: 10000, refund: 2500, units: 4 },
      { kind: 'PRODUCT', orders: 3, gross: 4500, refund: 0, units: 3 },
    ],
    itemBuckets: [
      { bucket: new Date('2026-04-02T10:00:00Z'), units: 2 },
      { bucket: new Date('2026-04-02T10:15:00Z'), units: 1 },
    ],
    sold: 3,
    issued: 2,
    customerOrders: 3,
  };
  expect(await figures(productId, eventId, ticketTypeId)).toEqual(expected);
  // The whole batch again, as a transport redelivers it after a crash before its acknowledgement.
  expect(await apply(batch.map((e) => ({ ...e })))).toBe(0);
  expect(await figures(productId, eventId, ticketTypeId)).toEqual(expected);
  // The organizer's dashboard scope of the issued tickets, learnt from the order in the same batch.
  const [owner] = await r.db.$queryRaw<{ organizer_id: string }[]>`
    SELECT organizer_id::text FROM reports.event_owners WHERE event_id = ${eventId}::uuid`;
  expect(owner?.organizer_id).toBe(seller);
});

test('a batch that fails is rolled back whole, then applied one event at a time: the good events once each', async () => {
  await r.db.$executeRaw`TRUNCATE reports.sales_buckets, reports.sales_days, reports.customer_orders`;
  const seller = randomUUID();
  const good = [1, 2].map(() =>
    event(
      'OrderPaid',
      paid([line({ sellerId: seller, productId: randomUUID(), unitPriceCents: 700 })], '2026-04-02T10:05:00Z'),
    ),
  );
  // Its seller is no uuid: the batch's merged upsert fails, and so does this event alone.
  const poison = event(
    'OrderPaid',
    paid([line({ sellerId: 'not-a-uuid', productId: randomUUID(), unitPriceCents: 1 })], '2026-04-02T10:05:00Z'),
  );
  const fallbacks = async () =>
    (await eventBatchFallbacks.get()).values.find((v) => v.labels.consumer === READ_MODEL_CONSUMER)?.value ?? 0;
  const before = await fallbacks();
  await expect(apply([good[0]!, good[1]!, poison])).rejects.toThrow();
  // The batch failed and fell back to one event at a time: counted, so an operator sees it.
  expect(await fallbacks()).toBe(before + 1);
  const [bucket] = await r.db.$queryRaw<{ orders: number; gross: number }[]>`
    SELECT orders, gross_cents::int AS gross FROM reports.sales_buckets
    WHERE scope_kind = 'ALL' AND bucket = '2026-04-02T10:00:00Z'`;
  expect(bucket).toEqual({ orders: 2, gross: 1400 });
  const processed = await r.db.processedEvent.findMany({
    where: { consumer: READ_MODEL_CONSUMER, eventId: { in: [...good, poison].map((e) => e.eventId) } },
  });
  expect(processed.map((p) => p.eventId).sort()).toEqual(good.map((e) => e.eventId).sort());
  // Redelivered with the poison gone: nothing counts twice.
  expect(await apply(good.map((e) => ({ ...e })))).toBe(0);
  expect(await fallbacks()).toBe(before + 1);
  const [again] = await r.db.$queryRaw<{ orders: number }[]>`
    SELECT orders FROM reports.sales_buckets WHERE scope_kind = 'ALL' AND bucket = '2026-04-02T10:00:00Z'`;
  expect(again?.orders).toBe(2);
});
