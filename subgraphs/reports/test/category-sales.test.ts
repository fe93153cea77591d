import { randomUUID } from 'node:crypto';
import { rebuildReadModel } from '../src/domain/rebuild';
import { line, paid, refunded, startReports, type ReportsHarness } from './helpers';

/**
 * categorySales: product sales per category with the tree rolled up, from orders' events (the
 * category on each order line, the tree from CategoryChanged), on a small known workload.
 */
const NOW = new Date('2026-03-30T08:00:00.000Z');
let r: ReportsHarness;
const sellerA = randomUUID();
const sellerB = randomUUID();
const [merch, shirts, caps, music, vinyl] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];

const category = (
  categoryId: string,
  name: string,
  parentId: string | null,
  changedAt = '2026-01-01T00:00:00.000Z',
) => ({
  categoryId,
  parentId,
  name,
  changedAt,
});

beforeAll(async () => {
  r = await startReports({ now: () => NOW });
  // A subcategory announced before its parent: the tree is the same.
  await r.emit('CategoryChanged', category(vinyl, 'Vinyl', music));
  await r.emit('CategoryChanged', category(music, 'Music', null));
  await r.emit('CategoryChanged', category(merch, 'Merch', null));
  await r.emit('CategoryChanged', category(shirts, 'Shirts', merch));
  await r.emit('CategoryChanged', category(caps, 'Caps', merch, '2026-01-02T00:00:00.000Z'));
  // An older state of Caps, delivered late: ignored.
  await r.emit('CategoryChanged', category(caps, 'Hats', music, '2026-01-01T12:00:00.000Z'));

  const shirt = line({
    sellerId: sellerA,
    productId: randomUUID(),
    categoryId: shirts,
    unitPriceCents: 1500,
    quantity: 2,
  });
  const order1 = paid(
    [
      shirt,
      line({ sellerId: sellerA, productId: randomUUID(), categoryId: caps, unitPriceCents: 1000 }),
      // A ticket line has no category: not in categorySales.
      line({ sellerId: sellerA, eventId: randomUUID(), unitPriceCents: 2500 }),
    ],
    '2026-02-10T10:00:00Z',
  );
  await r.emit('OrderPaid', order1);
  // A line of an event from before order lines carried their category: uncategorised.
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: sellerA, productId: randomUUID(), unitPriceCents: 700 })], '2026-02-11T10:00:00Z'),
  );
  await r.emit(
    'OrderPaid',
    paid(
      [
        line({ sellerId: sellerB, productId: randomUUID(), categoryId: vinyl, unitPriceCents: 2000 }),
        line({ sellerId: sellerA, productId: randomUUID(), categoryId: merch, unitPriceCents: 500 }),
      ],
      '2026-03-10T10:00:00Z',
    ),
  );
  await r.emit('OrderRefunded', refunded(order1, [{ line: shirt, quantity: 1 }], '2026-03-12T10:00:00Z'));
  await r.emit(
    'OrderPaid',
    paid(
      [line({ sellerId: sellerB, productId: randomUUID(), categoryId: vinyl, unitPriceCents: 3000 })],
      '2026-03-11T10:00:00Z',
      'USD',
    ),
  );
  await r.drained();
});
afterAll(() => r?.stop());

const admin = () => r.viewer('ADMIN');
const CATEGORY_SALES = `query($filter: CategorySalesFilter) { categorySales(filter: $filter) {
  categoryId parentId name depth currency grossCents refundCents netCents unitsSold ownNetCents } }`;

const row = (
  categoryId: string | null,
  name: string | null,
  parentId: string | null,
  depth: number,
  currency: string,
  figures: { grossCents: number; refundCents?: number; unitsSold: number; ownNetCents: number },
) => ({
  categoryId,
  parentId,
  name,
  depth,
  currency,
  grossCents: figures.grossCents,
  refundCents: figures.refundCents ?? 0,
  netCents: figures.grossCents - (figures.refundCents ?? 0),
  unitsSold: figures.unitsSold,
  ownNetCents: figures.ownNetCents,
});

const MERCH_ALL_TIME = [
  // Its own 500, Shirts' 3000 - 1500 and Caps' 1000; units 1 + (2 - 1) + 1.
  row(merch, 'Merch', null, 0, 'EUR', { grossCents: 4500, refundCents: 1500, unitsSold: 3, ownNetCents: 500 }),
  row(caps, 'Caps', merch, 1, 'EUR', { grossCents: 1000, unitsSold: 1, ownNetCents: 1000 }),
  row(shirts, 'Shirts', merch, 1, 'EUR', { grossCents: 3000, refundCents: 1500, unitsSold: 1, ownNetCents: 1500 }),
];
const UNCATEGORISED = row(null, null, null, 0, 'EUR', { grossCents: 700, unitsSold: 1, ownNetCents: 700 });

test('all time: the tree rolled up, per currency, in tree order, uncategorised last', async () => {
  const res = await r.execute(CATEGORY_SALES, {}, admin());
  expect(res.errors).toBeUndefined();
  expect(res.data!.categorySales).toEqual([
    ...MERCH_ALL_TIME,
    row(music, 'Music', null, 0, 'EUR', { grossCents: 2000, unitsSold: 1, ownNetCents: 0 }),
    row(music, 'Music', null, 0, 'USD', { grossCents: 3000, unitsSold: 1, ownNetCents: 0 }),
    row(vinyl, 'Vinyl', music, 1, 'EUR', { grossCents: 2000, unitsSold: 1, ownNetCents: 2000 }),
    row(vinyl, 'Vinyl', music, 1, 'USD', { grossCents: 3000, unitsSold: 1, ownNetCents: 3000 }),
    UNCATEGORISED,
  ]);
});

test('a period counts sales paid and refunds made in it; a currency filter keeps one', async () => {
  const march = await r.execute(CATEGORY_SALES, { filter: { from: '2026-03-01T00:00:00Z' } }, admin());
  expect(march.errors).toBeUndefined();
  expect(march.data!.categorySales).toEqual([
    row(merch, 'Merch', null, 0, 'EUR', { grossCents: 500, refundCents: 1500, unitsSold: 0, ownNetCents: 500 }),
    row(shirts, 'Shirts', merch, 1, 'EUR', { grossCents: 0, refundCents: 1500, unitsSold: -1, ownNetCents: -1500 }),
    row(music, 'Music', null, 0, 'EUR', { grossCents: 2000, unitsSold: 1, ownNetCents: 0 }),
    row(music, 'Music', null, 0, 'USD', { grossCents: 3000, unitsSold: 1, ownNetCents: 0 }),
    row(vinyl, 'Vinyl', music, 1, 'EUR', { grossCents: 2000, unitsSold: 1, ownNetCents: 2000 }),
    row(vinyl, 'Vinyl', music, 1, 'USD', { grossCents: 3000, unitsSold: 1, ownNetCents: 3000 }),
  ]);
  const usd = await r.execute(CATEGORY_SALES, { filter: { currency: 'USD' } }, admin());
  expect(usd.data!.categorySales.map((c: { name: string; currency: string }) => [c.name, c.currency])).toEqual([
    ['Music', 'USD'],
    ['Vinyl', 'USD'],
  ]);
  const february = await r.execute(
    CATEGORY_SALES,
    { filter: { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' } },
    admin(),
  );
  expect(
    february.data!.categorySales.map((c: { name: string | null; netCents: number }) => [c.name, c.netCents]),
  ).toEqual([
    ['Merch', 4000],
    ['Caps', 1000],
    ['Shirts', 3000],
    [null, 700],
  ]);
});

test('an organizer sees only their own products; others are refused', async () => {
  const own = await r.execute(CATEGORY_SALES, {}, r.viewer('ORGANIZER', sellerA));
  expect(own.errors).toBeUndefined();
  expect(own.data!.categorySales).toEqual([...MERCH_ALL_TIME, UNCATEGORISED]);
  const ofB = await r.execute(CATEGORY_SALES, { filter: { organizerId: sellerB } }, admin());
  expect(ofB.data!.categorySales.map((c: { name: string; currency: string }) => [c.name, c.currency])).toEqual([
    ['Music', 'EUR'],
    ['Music', 'USD'],
    ['Vinyl', 'EUR'],
    ['Vinyl', 'USD'],
  ]);
  const code = async (filter: object, viewer: ReturnType<ReportsHarness['viewer']> | null) =>
    (await r.execute(CATEGORY_SALES, { filter }, viewer)).errors?.[0]?.extensions?.code;
  expect(await code({ organizerId: sellerB }, r.viewer('ORGANIZER', sellerA))).toBe('FORBIDDEN');
  expect(await code({}, r.viewer('CUSTOMER'))).toBe('FORBIDDEN');
  expect(await code({}, r.viewer(['SCANNER', 'AGENT']))).toBe('FORBIDDEN');
  expect(await code({}, null)).toBe('UNAUTHENTICATED');
});

test('bad input is refused naming the field', async () => {
  const field = async (filter: object) => {
    const res = await r.execute(CATEGORY_SALES, { filter }, admin());
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return res.errors?.[0]?.extensions?.field;
  };
  expect(await field({ currency: 'euro' })).toBe('filter.currency');
  expect(await field({ organizerId: 'nope' })).toBe('filter.organizerId');
  expect(await field({ to: '2026-03-01T00:00:00Z' })).toBe('filter.from');
  expect(await field({ from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })).toBe('filter.to');
  expect(await field({ from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toBe('filter.to');
});

test('redelivered events change nothing, and the rebuild replays the log to the same figures', async () => {
  const read = () => r.execute(CATEGORY_SALES, {}, admin());
  const before = await read();
  expect(before.data!.categorySales).toHaveLength(8);
  await r.replayAll();
  expect(await read()).toEqual(before);
  const { events } = await rebuildReadModel(r.db);
  expect(events).toBeGreaterThanOrEqual(11);
  await r.drained();
  expect(await read()).toEqual(before);
});
