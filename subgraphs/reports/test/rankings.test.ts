import { randomUUID } from 'node:crypto';
import { line, paid, refunded, startReports, type ReportsHarness } from './helpers';

/**
 * Rankings over a period: top products, events and sellers limited to [from, to), on a small
 * known workload (sales and a refund in different months), with the all-time default kept.
 */
const NOW = new Date('2026-03-30T08:00:00.000Z');
let r: ReportsHarness;
const sellerA = randomUUID();
const sellerB = randomUUID();
const eventE1 = randomUUID();
const [p1, p2, p3] = [randomUUID(), randomUUID(), randomUUID()];

beforeAll(async () => {
  r = await startReports({ now: () => NOW });
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: sellerA, productId: p1, unitPriceCents: 1000, quantity: 2 })], '2026-01-10T09:00:00Z'),
  );
  const p2Line = line({ sellerId: sellerA, productId: p2, unitPriceCents: 5000 });
  const order2 = paid([p2Line], '2026-02-10T12:00:00Z');
  await r.emit('OrderPaid', order2);
  await r.emit('OrderRefunded', refunded(order2, [{ line: p2Line, quantity: 1 }], '2026-03-05T10:00:00Z'));
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: sellerB, productId: p3, unitPriceCents: 1000, quantity: 3 })], '2026-02-15T10:00:00Z'),
  );
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: sellerA, eventId: eventE1, unitPriceCents: 2500, quantity: 2 })], '2026-02-20T18:00:00Z'),
  );
  // Another currency in the same month: never in a EUR ranking.
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: sellerB, productId: p3, unitPriceCents: 99_000 })], '2026-02-16T10:00:00Z', 'USD'),
  );
  await r.drained();
});
afterAll(() => r?.stop());

const admin = () => r.viewer('ADMIN');
const TOP = `query($currency: String!, $organizerId: ID, $from: DateTime, $to: DateTime) {
  topProducts(currency: $currency, organizerId: $organizerId, from: $from, to: $to) { product { id } orders grossCents refundCents netCents unitsSold }
  topEvents(currency: $currency, organizerId: $organizerId, from: $from, to: $to) { event { id } orders netCents ticketsSold } }`;
const SELLERS = `query($currency: String!, $from: DateTime, $to: DateTime) {
  topSellers(currency: $currency, from: $from, to: $to) { seller { id } orders grossCents refundCents netCents ticketsSold unitsSold } }`;
const FEBRUARY = { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };

test('without from/to: all time, as before', async () => {
  const res = await r.execute(TOP, { currency: 'EUR' }, admin());
  expect(res.errors).toBeUndefined();
  expect(res.data!.topProducts).toEqual([
    { product: { id: p3 }, orders: 1, grossCents: 3000, refundCents: 0, netCents: 3000, unitsSold: 3 },
    { product: { id: p1 }, orders: 1, grossCents: 2000, refundCents: 0, netCents: 2000, unitsSold: 2 },
    { product: { id: p2 }, orders: 1, grossCents: 5000, refundCents: 5000, netCents: 0, unitsSold: 0 },
  ]);
});

test('a period counts the sales paid and the refunds made in it', async () => {
  const feb = await r.execute(TOP, { currency: 'EUR', ...FEBRUARY }, admin());
  expect(feb.errors).toBeUndefined();
  expect(feb.data!.topProducts).toEqual([
    { product: { id: p2 }, orders: 1, grossCents: 5000, refundCents: 0, netCents: 5000, unitsSold: 1 },
    { product: { id: p3 }, orders: 1, grossCents: 3000, refundCents: 0, netCents: 3000, unitsSold: 3 },
  ]);
  expect(feb.data!.topEvents).toEqual([{ event: { id: eventE1 }, orders: 1, netCents: 5000, ticketsSold: 2 }]);
  // March until now: only p2's refund.
  const march = await r.execute(TOP, { currency: 'EUR', from: '2026-03-01T00:00:00Z' }, admin());
  expect(march.data!.topProducts).toEqual([
    { product: { id: p2 }, orders: 0, grossCents: 0, refundCents: 5000, netCents: -5000, unitsSold: -1 },
  ]);
  expect(march.data!.topEvents).toEqual([]);
  // Half-open: a sale at `to` is left out, one at `from` counted.
  const upTo = await r.execute(
    TOP,
    { currency: 'EUR', from: '2026-01-10T09:00:00Z', to: '2026-02-10T12:00:00Z' },
    admin(),
  );
  expect(upTo.data!.topProducts.map((p: { product: { id: string } }) => p.product.id)).toEqual([p1]);

  const sellers = await r.execute(SELLERS, { currency: 'EUR', ...FEBRUARY }, admin());
  expect(sellers.errors).toBeUndefined();
  expect(sellers.data!.topSellers).toEqual([
    {
      seller: { id: sellerA },
      orders: 2,
      grossCents: 10_000,
      refundCents: 0,
      netCents: 10_000,
      ticketsSold: 2,
      unitsSold: 1,
    },
    {
      seller: { id: sellerB },
      orders: 1,
      grossCents: 3000,
      refundCents: 0,
      netCents: 3000,
      ticketsSold: 0,
      unitsSold: 3,
    },
  ]);
  const usd = await r.execute(SELLERS, { currency: 'USD', ...FEBRUARY }, admin());
  expect(usd.data!.topSellers).toEqual([expect.objectContaining({ seller: { id: sellerB }, netCents: 99_000 })]);
});

test('an organizer ranks only their own over a period; others are refused', async () => {
  const own = await r.execute(TOP, { currency: 'EUR', ...FEBRUARY }, r.viewer('ORGANIZER', sellerA));
  expect(own.errors).toBeUndefined();
  expect(own.data!.topProducts.map((p: { product: { id: string } }) => p.product.id)).toEqual([p2]);
  expect(own.data!.topEvents.map((e: { event: { id: string } }) => e.event.id)).toEqual([eventE1]);
  const code = async (query: string, viewer: ReturnType<ReportsHarness['viewer']> | null, vars: object = {}) =>
    (await r.execute(query, { currency: 'EUR', ...FEBRUARY, ...vars }, viewer)).errors?.[0]?.extensions?.code;
  expect(await code(TOP, r.viewer('ORGANIZER', sellerA), { organizerId: sellerB })).toBe('FORBIDDEN');
  expect(await code(SELLERS, r.viewer('ORGANIZER', sellerA))).toBe('FORBIDDEN');
  expect(await code(TOP, r.viewer('CUSTOMER'))).toBe('FORBIDDEN');
  expect(await code(SELLERS, r.viewer('CUSTOMER'))).toBe('FORBIDDEN');
  expect(await code(TOP, null)).toBe('UNAUTHENTICATED');
});

test('a bad period is refused naming the field', async () => {
  const field = async (query: string, vars: object) => {
    const res = await r.execute(query, { currency: 'EUR', ...vars }, admin());
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return res.errors?.[0]?.extensions?.field;
  };
  expect(await field(TOP, { to: FEBRUARY.to })).toBe('from');
  expect(await field(TOP, { from: FEBRUARY.to, to: FEBRUARY.from })).toBe('to');
  expect(await field(SELLERS, { from: FEBRUARY.from, to: FEBRUARY.from })).toBe('to');
  expect(await field(TOP, { from: '2025-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' })).toBe('to');
  // `to` defaults to now: more than 366 days before it.
  expect(await field(SELLERS, { from: '2025-03-01T00:00:00Z' })).toBe('from');
  expect(await field(TOP, { from: '2026-04-01T00:00:00Z' })).toBe('from');
});
