/**
 * reports through the gateway: the organizer's live dashboard after a real checkout and
 * payment, refused to customers; and reconciliation, the read model's figures against the
 * orders schema's own rows after a random workload (with the consumer stopped and restarted,
 * every event redelivered), then again after `npm run reports:rebuild` as a process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { pubsubFor } from '../../shared/realtime/pubsub';
import { READ_MODEL_CONSUMER } from '../../subgraphs/reports/src/domain/event-handlers';
import { channels, type DashboardNotice } from '../../subgraphs/reports/src/realtime';
import { pool, quickUsers } from '../../subgraphs/orders/test/helpers';
import {
  checkout,
  eventOnSale,
  newAccount,
  ok,
  productsInStock,
  simulatePayment,
  type Account,
  type Checkout,
  type LineInput,
} from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { collect } from '../helpers/ws';

let stack: Stack;
let admin: Account;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startStack();
  admin = await newAccount(stack, 'admin', ['ADMIN']);
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map(async (c) => c.dispose()));
  await stack?.stop();
});

function connect(token: string): Client {
  const client = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

const DASHBOARD_UPDATED = `subscription { dashboardUpdated { organizerId day ticketsSoldToday
  salesToday { currency orders grossCents netCents ticketsSold } salesByHour { label currency netCents } } }`;

interface DashboardEvent {
  dashboardUpdated: {
    organizerId: string;
    ticketsSoldToday: number;
    salesToday: { currency: string; orders: number; grossCents: number; netCents: number; ticketsSold: number }[];
    salesByHour: { label: string; currency: string; netCents: number }[];
  };
}

test("an organizer's dashboardUpdated after a real checkout and payment; a customer is FORBIDDEN", async () => {
  const organizer = await newAccount(stack, 'dash-organizer', ['ORGANIZER']);
  const {
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 3000 }], 'Noche de jazz');
  const buyer = await newAccount(stack, 'dash-buyer');

  const refused = collect(connect(buyer.accessToken), DASHBOARD_UPDATED);
  const live = collect<DashboardEvent>(connect(organizer.accessToken), DASHBOARD_UPDATED);
  // Live once reports has subscribed to the scope's channel: probe it as the consumer would
  // (a notice makes the resolver read the figures), until the organizer receives one.
  const probe: DashboardNotice = { channel: channels.dashboard({ kind: 'SELLER', id: organizer.id }) };
  await eventually(
    async () => {
      if (live.events.length > 0) return true;
      await pubsubFor({}).publish(probe.channel, probe);
      return false;
    },
    { what: 'the dashboard subscription to be live', intervalMs: 50 },
  );
  expect(live.events[0]!.dashboardUpdated).toMatchObject({ organizerId: organizer.id, salesToday: [] });

  const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 2 }]);
  expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');
  const update = await eventually(
    () => live.events.find((e) => e.dashboardUpdated.salesToday.length > 0)?.dashboardUpdated,
    { what: 'the dashboard update after the payment' },
  );
  expect(update.salesToday).toEqual([{ currency: 'EUR', orders: 1, grossCents: 6000, netCents: 6000, ticketsSold: 2 }]);
  expect(update.ticketsSoldToday).toBe(2);
  expect(update.salesByHour).toEqual([expect.objectContaining({ currency: 'EUR', netCents: 6000 })]);

  await refused.ended;
  expect(refused.codes).toEqual(['FORBIDDEN']);
  expect(refused.events).toEqual([]);
  live.unsubscribe();
}, 120_000);

/** A small seeded PRNG (mulberry32): the workload is random but repeatable from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Figures {
  currency: string;
  orders: number;
  grossCents: number;
  refundCents: number;
  netCents: number;
  ticketsSold: number;
  unitsSold: number;
}

/** Per seller and currency, what the orders schema's own rows say was sold and refunded. */
async function fromOrdersRows(sellerIds: string[]): Promise<Record<string, Figures[]>> {
  const rows = await stack.db.$queryRaw<
    {
      seller_id: string;
      currency: string;
      orders: bigint;
      gross: bigint;
      refunded: bigint;
      tickets: bigint;
      units: bigint;
    }[]
  >`
    SELECT ol.seller_id::text, o.currency, count(DISTINCT o.id) AS orders,
      sum(ol.quantity * ol.unit_price_cents) AS gross,
      sum(ol.refunded_quantity * ol.unit_price_cents) AS refunded,
      sum(CASE WHEN ol.ticket_type_id IS NOT NULL THEN ol.quantity - ol.refunded_quantity ELSE 0 END) AS tickets,
      sum(CASE WHEN ol.product_id IS NOT NULL THEN ol.quantity - ol.refunded_quantity ELSE 0 END) AS units
    FROM orders.order_lines ol JOIN orders.orders o ON o.id = ol.order_id
    WHERE o.paid_at IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2`;
  // refunded_quantity is the sum of the refund lines: checked, so the figure is the refunds'.
  const [{ mismatched }] = await stack.db.$queryRaw<[{ mismatched: bigint }]>`
    SELECT count(*) AS mismatched FROM orders.order_lines ol
    WHERE ol.refunded_quantity <> (SELECT coalesce(sum(quantity), 0) FROM orders.refund_lines WHERE order_line_id = ol.id)`;
  expect(Number(mismatched)).toBe(0);
  const bySeller: Record<string, Figures[]> = Object.fromEntries(sellerIds.map((id) => [id, []]));
  for (const r of rows)
    bySeller[r.seller_id]?.push({
      currency: r.currency,
      orders: Number(r.orders),
      grossCents: Number(r.gross),
      refundCents: Number(r.refunded),
      netCents: Number(r.gross - r.refunded),
      ticketsSold: Number(r.tickets),
      unitsSold: Number(r.units),
    });
  return bySeller;
}

/** The same figures as reports answers them through the gateway (ADMIN). */
async function fromReports(sellerIds: string[]): Promise<Record<string, Figures[]>> {
  const entries = await Promise.all(
    sellerIds.map(async (id) => {
      const data = await ok(
        stack,
        `query($id: ID!) { user(id: $id) { salesSummary { currency orders grossCents refundCents netCents ticketsSold unitsSold } } }`,
        { id },
        admin.accessToken,
      );
      return [id, data.user.salesSummary as Figures[]] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The platform's totals of today's salesReport and the counts of unpaid orders closed. */
async function platformTotals() {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  const data = await ok(
    stack,
    `query($filter: SalesReportFilter!) { salesReport(filter: $filter) { totals { currency orders grossCents refundCents netCents cancelledOrders } } }`,
    { filter: { from, to, granularity: 'DAY' } },
    admin.accessToken,
  );
  return data.salesReport.totals;
}

async function platformFromOrdersRows() {
  const rows = await stack.db.$queryRaw<
    { currency: string; orders: bigint; gross: bigint; refunded: bigint; cancelled: bigint }[]
  >`
    SELECT currency, count(*) FILTER (WHERE paid_at IS NOT NULL) AS orders,
      coalesce(sum(total_cents) FILTER (WHERE paid_at IS NOT NULL), 0) AS gross,
      coalesce(sum(refunded_cents) FILTER (WHERE paid_at IS NOT NULL), 0) AS refunded,
      count(*) FILTER (WHERE status IN ('CANCELLED', 'EXPIRED', 'PAYMENT_FAILED')) AS cancelled
    FROM orders.orders GROUP BY currency ORDER BY currency`;
  return rows.map((r) => ({
    currency: r.currency,
    orders: Number(r.orders),
    grossCents: Number(r.gross),
    refundCents: Number(r.refunded),
    netCents: Number(r.gross - r.refunded),
    cancelledOrders: Number(r.cancelled),
  }));
}

/** How many orders the workload makes (REPORTS_RECONCILE_ORDERS raises it, e.g. to 500). */
const ORDERS = Number(process.env.REPORTS_RECONCILE_ORDERS ?? 80);
const SEED = Number(process.env.REPORTS_RECONCILE_SEED ?? 11);
const REFUND = `mutation($id: ID!, $lines: [RefundLineInput!], $reason: String!) { refundOrder(id: $id, lines: $lines, reason: $reason) { status } }`;

test(`reconciliation: after ${ORDERS} random orders, reports' figures equal the orders schema's rows, and npm run reports:rebuild gives them again`, async () => {
  const rand = random(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const organizers = [
    await newAccount(stack, 'rec-organizer-a', ['ORGANIZER']),
    await newAccount(stack, 'rec-organizer-b', ['ORGANIZER']),
  ];
  const sellerIds = organizers.map((o) => o.id);
  const stock = Math.max(50, ORDERS * 3);
  const sellable: LineInput[][] = [];
  for (const [i, organizer] of organizers.entries()) {
    const { ticketTypeIds } = await eventOnSale(
      stack,
      organizer,
      [
        { priceCents: 2500 + i * 100, capacity: stock, maxPerOrder: 10 },
        { priceCents: 4000 + i * 100, capacity: stock, maxPerOrder: 10 },
      ],
      `Concierto ${i + 1}`,
    );
    const productIds = await productsInStock(stack, organizer, 2, stock);
    sellable.push([
      ...ticketTypeIds.map((ticketTypeId) => ({ ticketTypeId, quantity: 0 })),
      ...productIds.map((productId) => ({ productId, quantity: 0 })),
    ]);
  }
  const buyers = await quickUsers(stack, 8, 'rec-buyer');
  const allLines = sellable.flat();

  /** One order: 1-3 distinct lines of either seller, then paid, refunded, cancelled, failed or left. */
  const plans = Array.from({ length: ORDERS }, () => {
    const lines = new Map<LineInput, number>();
    const n = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) lines.set(pick(allLines), 1 + Math.floor(rand() * 3));
    const r = rand();
    const fate =
      r < 0.35
        ? 'PAID'
        : r < 0.5
          ? 'FULL_REFUND'
          : r < 0.7
            ? 'PARTIAL_REFUND'
            : r < 0.82
              ? 'CANCEL'
              : r < 0.92
                ? 'FAIL'
                : 'PENDING';
    return {
      buyer: pick(buyers),
      lines: [...lines].map(([l, quantity]) => ({ ...l, quantity })),
      fate,
      second: rand() < 0.5,
    };
  });
  const run = async (i: number) => {
    const plan = plans[i]!;
    const order: Checkout = await checkout(stack, plan.buyer.token, plan.lines);
    if (plan.fate === 'CANCEL') {
      await ok(
        stack,
        `mutation($id: ID!) { cancelOrder(id: $id) { status } }`,
        { id: order.orderId },
        plan.buyer.token,
      );
      return;
    }
    if (plan.fate === 'PENDING') return;
    const outcome = plan.fate === 'FAIL' ? 'FAILED' : 'SUCCEEDED';
    await simulatePayment(stack, plan.buyer.token, order.orderId, outcome);
    if (plan.fate === 'FULL_REFUND') await ok(stack, REFUND, { id: order.orderId, reason: 'full' }, admin.accessToken);
    if (plan.fate === 'PARTIAL_REFUND') {
      const [first, ...others] = order.lines;
      await ok(
        stack,
        REFUND,
        { id: order.orderId, lines: [{ orderLineId: first!.id, quantity: 1 }], reason: 'one unit' },
        admin.accessToken,
      );
      // A second refund of what is left of another line, when there is one.
      const other = others[0];
      if (plan.second && other)
        await ok(
          stack,
          REFUND,
          { id: order.orderId, lines: [{ orderLineId: other.id, quantity: other.quantity }], reason: 'rest of a line' },
          admin.accessToken,
        );
    }
  };

  const workloadStarted = Date.now();
  const third = Math.ceil(ORDERS / 3);
  await pool(third, 4, run);
  // reports' consumer dies mid-workload; orders keeps selling meanwhile.
  await stack.stopWorkers('reports');
  await pool(third, 4, (i) => run(third + i));
  stack.startWorkers('reports');
  // A restarted consumer that had never saved its cursor: every event is delivered again.
  await stack.db.consumerCursor.updateMany({ where: { consumer: READ_MODEL_CONSUMER }, data: { seq: 0n } });
  await pool(ORDERS - 2 * third, 4, (i) => run(2 * third + i));

  const truth = await fromOrdersRows(sellerIds);
  const platformTruth = await platformFromOrdersRows();
  const fates = plans.reduce<Record<string, number>>((n, p) => ({ ...n, [p.fate]: (n[p.fate] ?? 0) + 1 }), {});
  console.log(`reconciliation workload (seed ${SEED}): ${JSON.stringify(fates)}; truth ${JSON.stringify(truth)}`);
  expect(Object.values(truth).every((figures) => figures.length === 1 && figures[0]!.refundCents > 0)).toBe(true);

  /** reports' figures, asserted equal to the truth (throws the difference). */
  const reconciled = async () => {
    expect({ bySeller: await fromReports(sellerIds), platform: await platformTotals() }).toEqual({
      bySeller: truth,
      platform: platformTruth,
    });
    return true;
  };
  const workloadDone = Date.now();
  await eventually(reconciled, { what: "reports' figures to equal the orders schema's rows", timeoutMs: 120_000 });
  console.log(
    `reports caught up ${Date.now() - workloadDone} ms after the workload (${Date.now() - workloadStarted} ms in all)`,
  );

  // The rebuild, as the script runs in a deployment: a process of its own on the same database.
  const started = Date.now();
  const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'reports:rebuild'], {
    cwd: path.join(__dirname, '../..'),
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: stack.databaseUrl, LOG_LEVEL: 'silent' },
  });
  console.log(`npm run reports:rebuild: ${stdout.trim()} (${Date.now() - started} ms with the process start)`);
  expect(stdout).toMatch(/^replayed \d+ events \(\d+ applied by reports\)/);
  await reconciled();
}, 600_000);

test('CSV downloads through the gateway, with the report’s own authorization', async () => {
  const organizer = await newAccount(stack, 'csv-organizer', ['ORGANIZER']);
  const {
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 1200 }], 'Jazz, "en vivo"');
  const buyer = await newAccount(stack, 'csv-buyer');
  const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 3 }]);
  expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');

  const download = (pathAndQuery: string, token?: string) =>
    fetch(stack.gateway.url.replace(/\/graphql$/, pathAndQuery), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const day = new Date().toISOString().slice(0, 10);
  const range = `from=${day}T00:00:00Z&to=${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
  const sales = await eventually(
    async () => {
      const res = await download(`/reports/sales.csv?${range}&granularity=DAY&timezone=UTC`, organizer.accessToken);
      const text = await res.text();
      return res.status === 200 && text.split('\r\n').length > 2 && { res, text };
    },
    { what: 'the sale in the CSV export' },
  );
  expect(sales.res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(sales.res.headers.get('content-disposition')).toBe('attachment; filename="sales.csv"');
  expect(sales.text).toBe(
    'start,label,currency,orders,grossCents,refunds,refundCents,netCents,ticketsSold,ticketsRefunded,unitsSold,unitsRefunded,cancelledOrders\r\n' +
      `${day}T00:00:00.000Z,${day},EUR,1,3600,0,0,3600,3,0,0,0,0\r\n`,
  );

  const events = await download('/reports/top-events.csv?currency=EUR', organizer.accessToken);
  expect(events.status).toBe(200);
  const [header, row, end] = (await events.text()).split('\r\n');
  expect(header).toBe('eventId,eventTitle,eventStartsAt,currency,orders,grossCents,refundCents,netCents,ticketsSold');
  expect(row).toMatch(/^[0-9a-f-]{36},"Jazz, ""en vivo""",[^,]+,EUR,1,3600,0,3600,3$/);
  expect(end).toBe('');
  // The ranking of a period before the sale: the header only.
  const before = await download(
    '/reports/top-events.csv?currency=EUR&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z',
    organizer.accessToken,
  );
  expect((await before.text()).split('\r\n')).toEqual([header, '']);

  // Ticket sales have no category: the header only.
  const categories = await download('/reports/category-sales.csv', organizer.accessToken);
  expect(categories.status).toBe(200);
  expect(await categories.text()).toBe(
    'categoryId,parentId,name,depth,currency,grossCents,refundCents,netCents,unitsSold,ownNetCents\r\n',
  );

  // The report's own rules: a customer, another seller's figures, ADMIN's ranking, no token.
  const refused = async (pathAndQuery: string, token: string | undefined, status: number, code: string) => {
    const res = await download(pathAndQuery, token);
    expect({ status: res.status, code: ((await res.json()) as any).errors[0].extensions.code }).toEqual({
      status,
      code,
    });
  };
  await refused(`/reports/sales.csv?${range}`, buyer.accessToken, 403, 'FORBIDDEN');
  await refused(
    `/reports/top-products.csv?currency=EUR&organizerId=${admin.id}`,
    organizer.accessToken,
    403,
    'FORBIDDEN',
  );
  await refused('/reports/top-sellers.csv?currency=EUR', organizer.accessToken, 403, 'FORBIDDEN');
  await refused('/reports/top-sellers.csv?currency=EUR', undefined, 401, 'UNAUTHENTICATED');
  await refused('/reports/top-sellers.csv?currency=EUR', 'not-a-token', 401, 'UNAUTHENTICATED');
  await refused('/reports/top-sellers.csv', admin.accessToken, 400, 'BAD_USER_INPUT');
  await refused(
    '/reports/top-sellers.csv?currency=EUR&to=2020-01-01T00:00:00Z',
    admin.accessToken,
    400,
    'BAD_USER_INPUT',
  );
  await refused('/reports/category-sales.csv', buyer.accessToken, 403, 'FORBIDDEN');
  await refused(`/reports/support.csv?${range}`, organizer.accessToken, 403, 'FORBIDDEN');
  await refused(`/reports/engagement.csv?${range}`, buyer.accessToken, 403, 'FORBIDDEN');
  await refused('/reports/engagement.csv', admin.accessToken, 400, 'BAD_USER_INPUT');
  await refused('/reports/nothing.csv', admin.accessToken, 404, 'NOT_FOUND');
  await refused('/reports/customer-segments.csv', organizer.accessToken, 403, 'FORBIDDEN');
  await refused('/reports/customer-segments.csv?asOf=2999-01-01T00:00:00Z', admin.accessToken, 400, 'BAD_USER_INPUT');
  // The platform-wide reports by period: a row per day with activity, the figures GraphQL gives.
  for (const [name, field, columns] of [
    [
      'support',
      'supportReport',
      [
        'opened',
        'resolved',
        'responded',
        'firstResponseMedianSeconds',
        'firstResponseP90Seconds',
        'slaBreached',
        'slaBreachRate',
        'ratings',
        'averageRating',
      ],
    ],
    [
      'engagement',
      'engagementReport',
      [
        'pointsAwarded',
        'awards',
        'pointsReversed',
        'activeUsers',
        'badgesAwarded',
        'levelsReached',
        'rewardsRedeemed',
        'pointsRedeemed',
        'receiptsApproved',
      ],
    ],
  ] as const) {
    const filter = `{ from: "${day}T00:00:00Z", to: "${range.split('to=')[1]}", granularity: DAY, timezone: "UTC" }`;
    const expected = async () => {
      const res = await stack.gql(
        `{ ${field}(filter: ${filter}) { periods { start label ${columns.join(' ')} } } }`,
        {},
        { token: admin.accessToken },
      );
      const rows = (res.data as Record<string, { periods: Record<string, string | number | null>[] }>)[field]!.periods;
      return [
        'start,label,' + columns.join(','),
        ...rows.map((r) => ['start', 'label', ...columns].map((c) => (r[c] === null ? '' : String(r[c]))).join(',')),
        '',
      ];
    };
    const got = await eventually(
      async () => {
        const res = await download(`/reports/${name}.csv?${range}&granularity=DAY&timezone=UTC`, admin.accessToken);
        const lines = (await res.text()).split('\r\n');
        const want = await expected();
        return res.status === 200 && JSON.stringify(lines) === JSON.stringify(want) && lines;
      },
      { what: `${name}.csv to match ${field}` },
    );
    // Days without activity have no row, in GraphQL as in the CSV.
    expect(got[0]).toBe(`start,label,${columns.join(',')}`);
  }
  const sellers = await download('/reports/top-sellers.csv?currency=EUR&first=100', admin.accessToken);
  expect(sellers.status).toBe(200);
  expect((await sellers.text()).split('\r\n')[0]).toBe(
    'sellerId,sellerName,currency,orders,grossCents,refundCents,netCents,ticketsSold,unitsSold',
  );

  // Segments spread their money: a line per segment and currency, one with empty money for a
  // segment without any; the same figures as the GraphQL report as of the same instant.
  const asOf = new Date().toISOString();
  const segmentLines = await eventually(
    async () => {
      const res = await stack.gql(
        `query($asOf: DateTime) { customerSegments(asOf: $asOf) { segments { segment customers orders
          monetary { currency netCents } } } }`,
        { asOf },
        { token: admin.accessToken },
      );
      type Segment = {
        segment: string;
        customers: number;
        orders: number;
        monetary: { currency: string; netCents: string }[];
      };
      const segments = (res.data as { customerSegments: { segments: Segment[] } }).customerSegments.segments;
      const want = [
        'segment,customers,orders,currency,netCents',
        ...segments.flatMap((s) =>
          s.monetary.length === 0
            ? [`${s.segment},${s.customers},${s.orders},,`]
            : s.monetary.map((m) => `${s.segment},${s.customers},${s.orders},${m.currency},${m.netCents}`),
        ),
        '',
      ];
      const csv = await download(`/reports/customer-segments.csv?asOf=${asOf}`, admin.accessToken);
      const lines = (await csv.text()).split('\r\n');
      return csv.status === 200 && JSON.stringify(lines) === JSON.stringify(want) && lines;
    },
    { what: 'customer-segments.csv to match customerSegments' },
  );
  expect(new Set(segmentLines.slice(1, -1).map((l) => l.split(',')[0]))).toEqual(
    new Set(['NEW', 'ACTIVE', 'LOYAL', 'AT_RISK', 'LOST']),
  );
  // This test's buyer paid 3,600 EUR cents just now: the NEW segment has euros.
  expect(segmentLines.some((l) => /^NEW,[1-9]\d*,[1-9]\d*,EUR,[1-9]\d*$/.test(l))).toBe(true);
}, 120_000);

test('lowStock through the gateway after a real checkout and payment; its CSV with the same rules', async () => {
  const organizer = await newAccount(stack, 'stock-organizer', ['ORGANIZER']);
  const [productId] = await productsInStock(stack, organizer, 1, 5);
  const {
    eventId,
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ name: 'Pista', capacity: 4, priceCents: 1000 }], 'Aforo reducido');
  const buyer = await newAccount(stack, 'stock-buyer');
  const order = await checkout(stack, buyer.accessToken, [
    { productId: productId!, quantity: 4 },
    { ticketTypeId: typeId!, quantity: 3 },
  ]);
  expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');

  const LOW_STOCK = `query($threshold: Int) { lowStock(threshold: $threshold) { kind name remaining total
    product { id title } ticketType { id name } event { id title } seller { id } } }`;
  const rows = await eventually(
    async () => {
      const { lowStock } = await ok(stack, LOW_STOCK, { threshold: 1 }, organizer.accessToken);
      return lowStock.length === 2 && lowStock.every((r: { remaining: number }) => r.remaining === 1) && lowStock;
    },
    { what: 'the product and the ticket type in lowStock' },
  );
  expect(rows).toEqual([
    {
      kind: 'PRODUCT',
      name: 'T-shirt 1',
      remaining: 1,
      total: 1,
      product: { id: productId, title: 'T-shirt 1' },
      ticketType: null,
      event: null,
      seller: { id: organizer.id },
    },
    {
      kind: 'TICKET_TYPE',
      name: 'Pista',
      remaining: 1,
      total: 4,
      product: null,
      ticketType: { id: typeId, name: 'Pista' },
      event: { id: eventId, title: 'Aforo reducido' },
      seller: { id: organizer.id },
    },
  ]);

  const download = (pathAndQuery: string, token?: string) =>
    fetch(stack.gateway.url.replace(/\/graphql$/, pathAndQuery), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const csv = await download('/reports/low-stock.csv?threshold=1', organizer.accessToken);
  expect(csv.status).toBe(200);
  const [header, ...lines] = (await csv.text()).split('\r\n');
  expect(header).toBe('kind,name,remaining,total,productId,ticketTypeId,eventId,eventTitle,sellerId,sellerName');
  expect(lines).toEqual([
    expect.stringMatching(new RegExp(`^PRODUCT,T-shirt 1,1,1,${productId},,,,${organizer.id},`)),
    expect.stringMatching(new RegExp(`^TICKET_TYPE,Pista,1,4,,${typeId},${eventId},Aforo reducido,${organizer.id},`)),
    '',
  ]);
  const refused = async (pathAndQuery: string, token: string | undefined) => {
    const res = await download(pathAndQuery, token);
    return { status: res.status, code: ((await res.json()) as any).errors[0].extensions.code };
  };
  expect(await refused('/reports/low-stock.csv', buyer.accessToken)).toEqual({ status: 403, code: 'FORBIDDEN' });
  expect(await refused(`/reports/low-stock.csv?organizerId=${admin.id}`, organizer.accessToken)).toEqual({
    status: 403,
    code: 'FORBIDDEN',
  });
  expect(await refused('/reports/low-stock.csv', undefined)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  expect(await refused('/reports/low-stock.csv?threshold=-1', admin.accessToken)).toEqual({
    status: 400,
    code: 'BAD_USER_INPUT',
  });
}, 120_000);
