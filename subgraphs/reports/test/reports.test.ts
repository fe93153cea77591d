import { randomUUID } from 'node:crypto';
import { rebuildReadModel } from '../src/domain/rebuild';
import { line, paid, refunded, startReports, type ReportsHarness } from './helpers';

/**
 * The read model from events, and the reports over it: local periods of a time zone across
 * both DST changes, currencies kept apart, who sees what, redelivery and out-of-order events.
 */
const NOW = new Date('2026-03-30T08:00:00.000Z'); // 10:00 in Madrid (CEST), the day after DST began
let r: ReportsHarness;
const organizerA = randomUUID();
const organizerB = randomUUID();
const eventE1 = randomUUID();
const [t1, t2, t3] = [randomUUID(), randomUUID(), randomUUID()];

const REPORT = `query($filter: SalesReportFilter!) { salesReport(filter: $filter) { timezone granularity
  periods { start label currency orders grossCents refunds refundCents netCents ticketsSold ticketsRefunded unitsSold unitsRefunded cancelledOrders }
  totals { currency orders grossCents refundCents netCents } } }`;
const MARCH = {
  from: '2026-03-27T00:00:00Z',
  to: '2026-04-01T00:00:00Z',
  granularity: 'DAY',
  timezone: 'Europe/Madrid',
};
const DASHBOARD = `query($scope: DashboardScope) { dashboard(scope: $scope) { organizerId eventId timezone day
  salesToday { currency orders grossCents refundCents netCents ticketsSold unitsSold } ticketsSoldToday checkInsToday
  salesByHour { start label currency orders netCents } recentCheckIns { ticket { id } event { id } checkedInAt }
  openSupportTickets supportQueue { number priority supportTicket { id } } pointsAwardedToday usersRegisteredToday } }`;
const ATTENDANCE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Event { attendance { sold checkedIn noShowRate } salesSummary { currency netCents ticketsSold } } } }`;

beforeAll(async () => {
  r = await startReports({ now: () => NOW });
  await r.emit('TicketTypeChanged', {
    ticketTypeId: randomUUID(),
    eventId: eventE1,
    organizerId: organizerA,
    name: 'General',
    priceCents: 2500,
    currency: 'EUR',
    capacity: 100,
    maxPerOrder: 10,
    salesStartAt: null,
    salesEndAt: null,
    eventStatus: 'PUBLISHED',
  });
  // 23:30 on the 28th in Madrid (CET, +01:00).
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: organizerA, eventId: eventE1, unitPriceCents: 2500, quantity: 2 })], '2026-03-28T22:30:00Z'),
  );
  // 00:30 on the 30th in Madrid (CEST, +02:00): the 29th in UTC.
  const shirt = line({ sellerId: organizerA, productId: randomUUID(), unitPriceCents: 1500, quantity: 2 });
  const o2 = paid(
    [line({ sellerId: organizerA, eventId: eventE1, unitPriceCents: 2500 }), shirt],
    '2026-03-29T22:30:00Z',
  );
  // Its refund is delivered before the payment (a late, claimed event): the figures are the same.
  await r.emit('OrderRefunded', refunded(o2, [{ line: shirt, quantity: 1 }], '2026-03-29T23:00:00Z'));
  await r.emit('OrderPaid', o2);
  await r.emit(
    'OrderPaid',
    paid(
      [line({ sellerId: organizerB, productId: randomUUID(), unitPriceCents: 1000 })],
      '2026-03-29T10:00:00Z',
      'USD',
    ),
  );
  await r.emit('OrderCancelled', {
    ...paid([line({ sellerId: organizerA, eventId: eventE1, unitPriceCents: 2500 })], ''),
    status: 'EXPIRED',
    closedAt: '2026-03-29T12:00:00Z',
  } as never);
  // Admissions: three issued; t3 voided after its scan, the void delivered first.
  await r.emit('TicketsIssued', {
    orderId: o2.orderId,
    tickets: [t1, t2, t3].map((ticketId) => ({ ticketId, eventId: eventE1, holderId: o2.buyerId })),
    issuedAt: '2026-03-29T22:31:00Z',
  });
  const scan = (ticketId: string, at: string) => ({
    ticketId,
    eventId: eventE1,
    orderId: o2.orderId,
    holderId: o2.buyerId,
    checkedInAt: at,
  });
  await r.emit('TicketVoided', { ...scan(t3, ''), wasCheckedIn: true, voidedAt: '2026-03-30T07:30:00Z' });
  await r.emit('TicketCheckedIn', scan(t1, '2026-03-30T07:00:00.000Z'));
  await r.emit('TicketCheckedIn', scan(t3, '2026-03-30T07:10:00.000Z'));
  await r.emit('SupportTicketCreated', {
    ticketId: randomUUID(),
    number: 1001,
    requesterId: null,
    channel: 'WIDGET',
    priority: 'HIGH',
    categoryId: null,
    createdAt: '2026-03-30T06:00:00Z',
  });
  await r.drained();
});
afterAll(() => r?.stop());

const admin = () => r.viewer('ADMIN');

test('sales by local day of Madrid, DST-correct, per currency, with refunds and cancellations', async () => {
  const res = await r.execute(REPORT, { filter: MARCH }, admin());
  expect(res.errors).toBeUndefined();
  const report = res.data!.salesReport;
  expect(report.timezone).toBe('Europe/Madrid');
  expect(report.periods).toEqual([
    expect.objectContaining({
      label: '2026-03-28',
      start: '2026-03-27T23:00:00.000Z',
      currency: 'EUR',
      orders: 1,
      grossCents: 5000,
      ticketsSold: 2,
    }),
    expect.objectContaining({
      label: '2026-03-29',
      start: '2026-03-28T23:00:00.000Z',
      currency: 'EUR',
      orders: 0,
      grossCents: 0,
      cancelledOrders: 1,
    }),
    expect.objectContaining({ label: '2026-03-29', currency: 'USD', orders: 1, grossCents: 1000, unitsSold: 1 }),
    // The 29th had 23 hours: the 30th starts at 22:00 UTC.
    {
      label: '2026-03-30',
      start: '2026-03-29T22:00:00.000Z',
      currency: 'EUR',
      orders: 1,
      grossCents: 5500,
      refunds: 1,
      refundCents: 1500,
      netCents: 4000,
      ticketsSold: 1,
      ticketsRefunded: 0,
      unitsSold: 2,
      unitsRefunded: 1,
      cancelledOrders: 0,
    },
  ]);
  expect(report.totals).toEqual([
    { currency: 'EUR', orders: 2, grossCents: 10_500, refundCents: 1500, netCents: 9000 },
    { currency: 'USD', orders: 1, grossCents: 1000, refundCents: 0, netCents: 1000 },
  ]);
  // The same sales by UTC day fall on other days.
  const utc = await r.execute(REPORT, { filter: { ...MARCH, timezone: 'UTC', currency: 'EUR' } }, admin());
  expect(
    utc.data!.salesReport.periods.map((p: { label: string; grossCents: number }) => [p.label, p.grossCents]),
  ).toEqual([
    ['2026-03-28', 5000],
    ['2026-03-29', 5500],
  ]);
});

test('hours of a DST fall-back day are told apart', async () => {
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: organizerB, productId: randomUUID(), unitPriceCents: 700 })], '2026-10-25T00:30:00Z'),
  );
  await r.emit(
    'OrderPaid',
    paid([line({ sellerId: organizerB, productId: randomUUID(), unitPriceCents: 900 })], '2026-10-25T01:30:00Z'),
  );
  await r.drained();
  const res = await r.execute(
    REPORT,
    {
      filter: {
        from: '2026-10-24T22:00:00Z',
        to: '2026-10-25T23:00:00Z',
        granularity: 'HOUR',
        timezone: 'Europe/Madrid',
      },
    },
    r.viewer('ORGANIZER', organizerB),
  );
  expect(res.errors).toBeUndefined();
  expect(
    res.data!.salesReport.periods.map((p: { label: string; start: string; grossCents: number }) => [
      p.label,
      p.start,
      p.grossCents,
    ]),
  ).toEqual([
    ['2026-10-25T02:00+02:00', '2026-10-25T00:00:00.000Z', 700],
    ['2026-10-25T02:00+01:00', '2026-10-25T01:00:00.000Z', 900],
  ]);
  const month = await r.execute(
    REPORT,
    { filter: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', granularity: 'MONTH' } },
    r.viewer('ORGANIZER', organizerB),
  );
  expect(
    month.data!.salesReport.periods.map((p: { label: string; currency: string; grossCents: number }) => [
      p.label,
      p.currency,
      p.grossCents,
    ]),
  ).toEqual([
    ['2026-03', 'USD', 1000],
    ['2026-10', 'EUR', 1600],
  ]);
});

test('an organizer sees only their own sales; anyone else is refused', async () => {
  const mine = await r.execute(REPORT, { filter: MARCH }, r.viewer('ORGANIZER', organizerA));
  expect(mine.data!.salesReport.totals).toEqual([
    { currency: 'EUR', orders: 2, grossCents: 10_500, refundCents: 1500, netCents: 9000 },
  ]);
  const event = await r.execute(REPORT, { filter: { ...MARCH, eventId: eventE1 } }, r.viewer('ORGANIZER', organizerA));
  expect(event.data!.salesReport.totals).toEqual([
    { currency: 'EUR', orders: 2, grossCents: 7500, refundCents: 0, netCents: 7500 },
  ]);

  const code = async (filter: object, viewer: ReturnType<ReportsHarness['viewer']> | null) =>
    (await r.execute(REPORT, { filter: { ...MARCH, ...filter } }, viewer)).errors?.[0]?.extensions?.code;
  expect(await code({ organizerId: organizerB }, r.viewer('ORGANIZER', organizerA))).toBe('FORBIDDEN');
  expect(await code({ eventId: eventE1 }, r.viewer('ORGANIZER', organizerB))).toBe('FORBIDDEN');
  expect(await code({ eventId: randomUUID() }, r.viewer('ORGANIZER', organizerB))).toBe('FORBIDDEN');
  expect(await code({}, r.viewer('CUSTOMER'))).toBe('FORBIDDEN');
  expect(await code({}, r.viewer(['SCANNER', 'AGENT']))).toBe('FORBIDDEN');
  expect(await code({}, null)).toBe('UNAUTHENTICATED');
  const other = await r.execute(REPORT, { filter: { ...MARCH, organizerId: organizerB } }, admin());
  expect(other.data!.salesReport.totals).toEqual([
    { currency: 'USD', orders: 1, grossCents: 1000, refundCents: 0, netCents: 1000 },
  ]);
});

test('bad input is refused naming the field', async () => {
  const field = async (filter: object) => {
    const res = await r.execute(REPORT, { filter: { ...MARCH, ...filter } }, admin());
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return res.errors?.[0]?.extensions?.field;
  };
  expect(await field({ timezone: 'Mars/Olympus' })).toBe('filter.timezone');
  expect(await field({ to: MARCH.from })).toBe('filter.to');
  expect(await field({ granularity: 'HOUR', to: '2027-03-27T00:00:00Z' })).toBe('filter.to');
  expect(await field({ currency: 'euro' })).toBe('filter.currency');
  expect(await field({ organizerId: 'nope' })).toBe('filter.organizerId');
});

test('redelivered events change nothing', async () => {
  const before = await r.execute(REPORT, { filter: MARCH }, admin());
  await r.replayAll();
  expect(await r.execute(REPORT, { filter: MARCH }, admin())).toEqual(before);
});

test("an event's attendance and sales, to its organizer and ADMIN", async () => {
  const reps = [{ __typename: 'Event', id: eventE1 }];
  const res = await r.execute(ATTENDANCE, { reps }, r.viewer('ORGANIZER', organizerA));
  expect(res.errors).toBeUndefined();
  // t3 was voided (whose scan arrived after its void): 2 sold, t1 checked in.
  expect(res.data!._entities[0]).toEqual({
    attendance: { sold: 2, checkedIn: 1, noShowRate: 0.5 },
    salesSummary: [{ currency: 'EUR', netCents: 7500, ticketsSold: 3 }],
  });
  const refused = await r.execute(ATTENDANCE, { reps }, r.viewer('ORGANIZER', organizerB));
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test("the dashboard: today's figures of the viewer's scope", async () => {
  const res = await r.execute(DASHBOARD, {}, admin());
  expect(res.errors).toBeUndefined();
  const d = res.data!.dashboard;
  expect(d).toMatchObject({
    organizerId: null,
    timezone: 'Europe/Madrid',
    day: '2026-03-30',
    checkInsToday: 1,
    ticketsSoldToday: 1,
  });
  expect(d.salesToday).toEqual([
    { currency: 'EUR', orders: 1, grossCents: 5500, refundCents: 1500, netCents: 4000, ticketsSold: 1, unitsSold: 1 },
  ]);
  expect(d.salesByHour).toEqual([
    { start: '2026-03-29T22:00:00.000Z', label: '00:00', currency: 'EUR', orders: 1, netCents: 5500 },
    { start: '2026-03-29T23:00:00.000Z', label: '01:00', currency: 'EUR', orders: 0, netCents: -1500 },
  ]);
  expect(d.recentCheckIns).toEqual([
    { ticket: { id: t1 }, event: { id: eventE1 }, checkedInAt: '2026-03-30T07:00:00.000Z' },
  ]);
  expect(d.openSupportTickets).toBe(1);
  expect(d.supportQueue).toEqual([expect.objectContaining({ number: 1001, priority: 'HIGH' })]);

  const organizer = (await r.execute(DASHBOARD, {}, r.viewer('ORGANIZER', organizerB))).data!.dashboard;
  expect(organizer).toMatchObject({
    organizerId: organizerB,
    salesToday: [],
    checkInsToday: 0,
    openSupportTickets: null,
    supportQueue: null,
  });
  const refused = await r.execute(DASHBOARD, { scope: { organizerId: organizerA } }, r.viewer('ORGANIZER', organizerB));
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect((await r.execute(DASHBOARD, {}, r.viewer('CUSTOMER'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

const TOP = `query($currency: String!, $organizerId: ID, $first: Int) {
  topProducts(currency: $currency, organizerId: $organizerId, first: $first) { product { id } currency orders grossCents refundCents netCents unitsSold }
  topEvents(currency: $currency, organizerId: $organizerId, first: $first) { event { id } currency orders grossCents refundCents netCents ticketsSold } }`;
const TOP_SELLERS = `query($currency: String!) { topSellers(currency: $currency) { seller { id } currency orders grossCents refundCents netCents ticketsSold unitsSold } }`;

test('top products, events and sellers: by net sales in one currency; an organizer sees only their own', async () => {
  const all = await r.execute(TOP, { currency: 'EUR' }, admin());
  expect(all.errors).toBeUndefined();
  // The shirt: 2 sold, 1 refunded; organizer B's two EUR products of the DST test after it.
  expect(all.data!.topProducts.map((p: { netCents: number }) => p.netCents)).toEqual([1500, 900, 700]);
  expect(all.data!.topProducts[0]).toMatchObject({
    currency: 'EUR',
    orders: 1,
    grossCents: 3000,
    refundCents: 1500,
    unitsSold: 1,
  });
  expect(all.data!.topEvents).toEqual([
    {
      event: { id: eventE1 },
      currency: 'EUR',
      orders: 2,
      grossCents: 7500,
      refundCents: 0,
      netCents: 7500,
      ticketsSold: 3,
    },
  ]);
  expect((await r.execute(TOP, { currency: 'EUR', first: 1 }, admin())).data!.topProducts).toHaveLength(1);

  const own = await r.execute(TOP, { currency: 'EUR' }, r.viewer('ORGANIZER', organizerA));
  expect(own.data!.topProducts).toEqual([all.data!.topProducts[0]]);
  expect(own.data!.topEvents).toEqual(all.data!.topEvents);
  const ofB = await r.execute(TOP, { currency: 'EUR', organizerId: organizerB }, r.viewer('ORGANIZER', organizerA));
  expect(ofB.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect((await r.execute(TOP, { currency: 'EUR' }, r.viewer('CUSTOMER'))).errors?.[0]?.extensions?.code).toBe(
    'FORBIDDEN',
  );

  const sellers = await r.execute(TOP_SELLERS, { currency: 'EUR' }, admin());
  expect(sellers.data!.topSellers).toEqual([
    {
      seller: { id: organizerA },
      currency: 'EUR',
      orders: 2,
      grossCents: 10500,
      refundCents: 1500,
      netCents: 9000,
      ticketsSold: 3,
      unitsSold: 1,
    },
    {
      seller: { id: organizerB },
      currency: 'EUR',
      orders: 2,
      grossCents: 1600,
      refundCents: 0,
      netCents: 1600,
      ticketsSold: 0,
      unitsSold: 2,
    },
  ]);
  expect((await r.execute(TOP_SELLERS, { currency: 'USD' }, admin())).data!.topSellers).toEqual([
    expect.objectContaining({ seller: { id: organizerB }, netCents: 1000 }),
  ]);
  const asOrganizer = await r.execute(TOP_SELLERS, { currency: 'EUR' }, r.viewer('ORGANIZER', organizerA));
  expect(asOrganizer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const tooMany = await r.execute(TOP, { currency: 'EUR', first: 101 }, admin());
  expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  const badCurrency = await r.execute(TOP, { currency: 'euro' }, admin());
  expect(badCurrency.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
});

const LOW_STOCK = `query($threshold: Int, $organizerId: ID, $first: Int) {
  lowStock(threshold: $threshold, organizerId: $organizerId, first: $first) {
    kind name remaining total product { id } ticketType { id } event { id } seller { id } } }`;
const eventE2 = randomUUID();

test('lowStock: products and ticket types near selling out, from the latest state; an organizer sees only their own', async () => {
  const [p1, p2, p3] = [randomUUID(), randomUUID(), randomUUID()];
  const stock = (productId: string, sellerId: string, available: number, changedAt: string) => ({
    productId,
    sellerId,
    productName: `Product ${available}`,
    categoryId: null,
    onHand: available + 1,
    held: 1,
    available,
    changedAt,
  });
  await r.emit('StockChanged', stock(p1, organizerA, 3, '2026-05-01T10:00:00.000002Z'));
  // An older state of p1 (a microsecond before), delivered late: ignored.
  await r.emit('StockChanged', stock(p1, organizerA, 50, '2026-05-01T10:00:00.000001Z'));
  await r.emit('StockChanged', stock(p2, organizerB, 0, '2026-05-01T10:00:00Z'));
  await r.emit('StockChanged', stock(p3, organizerA, 40, '2026-05-01T10:00:00Z'));
  const tt = randomUUID();
  const type = {
    ticketTypeId: tt,
    eventId: eventE2,
    organizerId: organizerA,
    name: 'Palco',
    priceCents: 9000,
    currency: 'GBP',
    capacity: 5,
    maxPerOrder: 10,
    salesStartAt: null,
    salesEndAt: null,
    eventStatus: 'PUBLISHED',
  };
  await r.emit('TicketTypeChanged', type);
  const seats = line({ sellerId: organizerA, eventId: eventE2, ticketTypeId: tt, unitPriceCents: 9000, quantity: 4 });
  const order = paid([seats], '2026-05-01T12:00:00Z', 'GBP');
  // The refund delivered before its payment: 4 sold, 1 back.
  await r.emit('OrderRefunded', refunded(order, [{ line: seats, quantity: 1 }], '2026-05-01T13:00:00Z'));
  await r.emit('OrderPaid', order);
  await r.emit('TicketTypeChanged', { ...type, capacity: 6 });
  // Sold out, but its event was cancelled: not listed.
  await r.emit('TicketTypeChanged', {
    ...type,
    ticketTypeId: randomUUID(),
    eventId: randomUUID(),
    organizerId: organizerB,
    capacity: 0,
    eventStatus: 'CANCELLED',
  });
  await r.drained();

  const product = (id: string, name: string, remaining: number, sellerId: string) => ({
    kind: 'PRODUCT',
    name,
    remaining,
    total: remaining + 1,
    product: { id },
    ticketType: null,
    event: null,
    seller: { id: sellerId },
  });
  const palco = {
    kind: 'TICKET_TYPE',
    name: 'Palco',
    remaining: 3,
    total: 6,
    product: null,
    ticketType: { id: tt },
    event: { id: eventE2 },
    seller: { id: organizerA },
  };
  const all = await r.execute(LOW_STOCK, { threshold: 5 }, admin());
  expect(all.errors).toBeUndefined();
  expect(all.data!.lowStock).toEqual([
    product(p2, 'Product 0', 0, organizerB),
    product(p1, 'Product 3', 3, organizerA),
    palco,
  ]);
  expect((await r.execute(LOW_STOCK, { threshold: 2 }, admin())).data!.lowStock).toEqual([all.data!.lowStock[0]]);
  expect((await r.execute(LOW_STOCK, { threshold: 5, first: 1 }, admin())).data!.lowStock).toHaveLength(1);
  const ofB = await r.execute(LOW_STOCK, { organizerId: organizerB }, admin());
  expect(ofB.data!.lowStock).toEqual([product(p2, 'Product 0', 0, organizerB)]);
  // An organizer: their own by default (threshold 10), another seller's FORBIDDEN.
  const own = await r.execute(LOW_STOCK, {}, r.viewer('ORGANIZER', organizerA));
  expect(own.data!.lowStock).toEqual([product(p1, 'Product 3', 3, organizerA), palco]);
  const code = async (variables: Record<string, unknown>, viewer: ReturnType<ReportsHarness['viewer']> | null) =>
    (await r.execute(LOW_STOCK, variables, viewer)).errors?.[0]?.extensions;
  expect(await code({ organizerId: organizerB }, r.viewer('ORGANIZER', organizerA))).toMatchObject({
    code: 'FORBIDDEN',
  });
  expect(await code({}, r.viewer('CUSTOMER'))).toMatchObject({ code: 'FORBIDDEN' });
  expect(await code({}, null)).toMatchObject({ code: 'UNAUTHENTICATED' });
  expect(await code({ threshold: -1 }, admin())).toMatchObject({ code: 'BAD_USER_INPUT', field: 'threshold' });
  expect(await code({ first: 101 }, admin())).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  expect(await code({ organizerId: 'nope' }, admin())).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'organizerId',
  });
});

test('the rebuild (npm run reports:rebuild) drops the read model and replays the log to the same figures', async () => {
  const read = async () => [
    await r.execute(REPORT, { filter: MARCH }, admin()),
    await r.execute(DASHBOARD, {}, admin()),
    await r.execute(ATTENDANCE, { reps: [{ __typename: 'Event', id: eventE1 }] }, admin()),
    await r.execute(LOW_STOCK, { threshold: 1000 }, admin()),
  ];
  const before = await read();
  // The consumer keeps running meanwhile, as it would in a deployment.
  const { events } = await rebuildReadModel(r.db);
  expect(events).toBeGreaterThanOrEqual(13);
  await r.drained();
  expect(await read()).toEqual(before);
});

test('days, weeks and months of the platform zone (its day rollup) equal those of a zone with the same rules (quarter-hours)', async () => {
  // Africa/Ceuta has kept Madrid's offsets and DST changes since 1986; only Madrid is rolled up.
  const report = async (filter: object) => {
    const res = await r.execute(REPORT, { filter }, admin());
    expect(res.errors).toBeUndefined();
    return { ...res.data!.salesReport, timezone: undefined };
  };
  for (const filter of [
    MARCH, // from 01:00 local: a partial first day, whole days, a DST day
    { ...MARCH, from: '2026-03-28T23:00:00Z', to: '2026-03-30T21:15:00Z' }, // whole first day, a partial last one
    { ...MARCH, from: '2026-03-29T10:00:00Z', to: '2026-03-29T20:00:00Z' }, // within one day
    { ...MARCH, granularity: 'WEEK' },
    { ...MARCH, from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', granularity: 'MONTH' },
  ]) {
    const rolledUp = await report(filter);
    expect(rolledUp.periods.length).toBeGreaterThan(0);
    expect(await report({ ...filter, timezone: 'Africa/Ceuta' })).toEqual(rolledUp);
  }
});
