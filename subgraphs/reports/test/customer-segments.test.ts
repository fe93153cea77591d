import { randomUUID } from 'node:crypto';
import type { EventCatalog } from '../../../shared/events/catalog';
import { rebuildReadModel } from '../src/domain/rebuild';
import { line, paid, refunded, startReports, type ReportsHarness } from './helpers';

/**
 * customerSegments: buyers by recency / frequency / monetary segment from OrderPaid and
 * OrderRefunded, on a small known workload, as of now and as of an earlier instant.
 */
const NOW = new Date('2026-06-30T12:00:00.000Z');
let r: ReportsHarness;
const seller = randomUUID();
const [bNew, bLoyal, bActive, bAtRisk, bLost, bRefunded, bGone] = [
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
];

const order = (buyerId: string, paidAt: string, cents: number, currency = 'EUR'): EventCatalog['OrderPaid'] => ({
  ...paid([line({ sellerId: seller, productId: randomUUID(), unitPriceCents: cents })], paidAt, currency),
  buyerId,
});
const refundOf = (o: EventCatalog['OrderPaid'], cents: number, at: string) => ({
  ...refunded(o, [{ line: o.lines[0]!, quantity: 1 }], at),
  amountCents: cents,
  lines: [{ ...o.lines[0]!, unitPriceCents: cents }],
});

beforeAll(async () => {
  r = await startReports({ now: () => NOW });
  await r.emit('OrderPaid', order(bNew, '2026-06-20T10:00:00Z', 1000));
  for (const at of ['2026-01-10T10:00:00Z', '2026-03-10T10:00:00Z', '2026-06-01T10:00:00Z'])
    await r.emit('OrderPaid', order(bLoyal, at, 2000));
  await r.emit('OrderPaid', order(bActive, '2025-12-01T10:00:00Z', 1000));
  const usd = order(bActive, '2026-05-15T10:00:00Z', 500, 'USD');
  // Its partial refund delivered before the payment: the same figures.
  await r.emit('OrderRefunded', refundOf(usd, 200, '2026-05-20T10:00:00Z'));
  await r.emit('OrderPaid', usd);
  await r.emit('OrderPaid', order(bAtRisk, '2026-02-15T10:00:00Z', 3000));
  await r.emit('OrderPaid', order(bLost, '2025-10-01T10:00:00Z', 4000));
  // A recent order refunded in full does not make its buyer active again.
  await r.emit('OrderPaid', order(bRefunded, '2025-11-01T10:00:00Z', 800));
  const back = order(bRefunded, '2026-06-25T10:00:00Z', 1500);
  await r.emit('OrderPaid', back);
  await r.emit('OrderRefunded', refundOf(back, 1500, '2026-06-26T10:00:00Z'));
  // A buyer whose only order was refunded in full is in no segment.
  const gone = order(bGone, '2026-06-10T10:00:00Z', 1000);
  await r.emit('OrderPaid', gone);
  await r.emit('OrderRefunded', refundOf(gone, 1000, '2026-06-11T10:00:00Z'));
  await r.drained();
});
afterAll(() => r?.stop());

const admin = () => r.viewer('ADMIN');
const SEGMENTS = `query($asOf: DateTime) { customerSegments(asOf: $asOf) { asOf
  segments { segment customers orders monetary { currency netCents } } } }`;
const segment = (name: string, customers: number, orders: number, monetary: [string, number][]) => ({
  segment: name,
  customers,
  orders,
  monetary: monetary.map(([currency, netCents]) => ({ currency, netCents })),
});

test('as of now: every buyer in one segment, money per currency net of refunds', async () => {
  const res = await r.execute(SEGMENTS, {}, admin());
  expect(res.errors).toBeUndefined();
  expect(res.data!.customerSegments).toEqual({
    asOf: NOW.toISOString(),
    segments: [
      segment('NEW', 1, 1, [['EUR', 1000]]),
      segment('ACTIVE', 1, 2, [
        ['EUR', 1000],
        ['USD', 300],
      ]),
      segment('LOYAL', 1, 3, [['EUR', 6000]]),
      segment('AT_RISK', 1, 1, [['EUR', 3000]]),
      // bLost, and bRefunded (their recent order refunded in full: 800 + 1500 - 1500).
      segment('LOST', 2, 2, [['EUR', 4800]]),
    ],
  });
});

test('as of an earlier instant: only what was paid and refunded by then', async () => {
  const res = await r.execute(SEGMENTS, { asOf: '2026-06-25T18:00:00.000Z' }, admin());
  expect(res.errors).toBeUndefined();
  expect(res.data!.customerSegments.segments).toEqual([
    segment('NEW', 1, 1, [['EUR', 1000]]),
    // bRefunded's order of the 25th is not refunded yet: active with two orders.
    segment('ACTIVE', 2, 4, [
      ['EUR', 3300],
      ['USD', 300],
    ]),
    segment('LOYAL', 1, 3, [['EUR', 6000]]),
    segment('AT_RISK', 1, 1, [['EUR', 3000]]),
    segment('LOST', 1, 1, [['EUR', 4000]]),
  ]);
  const before = await r.execute(SEGMENTS, { asOf: '2025-01-01T00:00:00.000Z' }, admin());
  expect(
    before.data!.customerSegments.segments.map((s: { customers: number; monetary: unknown[] }) => [
      s.customers,
      s.monetary,
    ]),
  ).toEqual(Array.from({ length: 5 }, () => [0, []]));
});

test('ADMIN only; a future asOf is refused naming it', async () => {
  const code = async (viewer: ReturnType<ReportsHarness['viewer']> | null) =>
    (await r.execute(SEGMENTS, {}, viewer)).errors?.[0]?.extensions?.code;
  expect(await code(r.viewer('ORGANIZER', seller))).toBe('FORBIDDEN');
  expect(await code(r.viewer('CUSTOMER', bLoyal))).toBe('FORBIDDEN');
  expect(await code(r.viewer(['AGENT', 'SCANNER']))).toBe('FORBIDDEN');
  expect(await code(null)).toBe('UNAUTHENTICATED');
  const future = await r.execute(SEGMENTS, { asOf: '2026-07-01T00:00:00.000Z' }, admin());
  expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
});

test('redelivered events change nothing, and the rebuild replays the log to the same segments', async () => {
  const read = () => r.execute(SEGMENTS, {}, admin());
  const before = await read();
  await r.replayAll();
  expect(await read()).toEqual(before);
  const { events } = await rebuildReadModel(r.db);
  expect(events).toBeGreaterThanOrEqual(13);
  await r.drained();
  expect(await read()).toEqual(before);
});
