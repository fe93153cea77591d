import type { ApolloServer } from '@apollo/server';
import express, { type Request, type Response, type Router } from 'express';
import { ErrorCode } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { GatewayContext } from './subgraphs';

/** One column of a CSV export: its header and the path of its value in a row (`product.title`). */
type Column = [header: string, path: string];

/** A tabular report as CSV: the GraphQL operation, its variables from the URL, where its rows are. */
interface Export {
  query: string;
  variables(params: Params): Record<string, unknown>;
  /** The path of the list of rows in the result's data. */
  rows: string;
  /**
   * A list field of each row that the CSV spreads out: one line per element (read by the
   * columns under the field's name), one line with that field's columns empty when it is empty.
   */
  spread?: string;
  columns: Column[];
}

type Params = Record<string, string | undefined>;

/** The value at a dotted path of a GraphQL result (undefined when a step is missing). */
function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/** A row once per element of its list field `field` (that field then holds the element). */
function spread(row: unknown, field: string | undefined): unknown[] {
  if (!field) return [row];
  const list = at(row, field);
  if (!Array.isArray(list) || list.length === 0) return [{ ...(row as object), [field]: null }];
  return list.map((element: unknown) => ({ ...(row as object), [field]: element }));
}

const columns = (...paths: string[]): Column[] =>
  paths.map((p) => [p.replace(/\.(\w)/, (_m, c: string) => c.toUpperCase()), p]);
const MONEY = ['orders', 'grossCents', 'refundCents', 'netCents'];
const TOP_ARGS = `$currency: String!, $from: DateTime, $to: DateTime, $first: Int`;
const RANKING = 'currency: $currency, from: $from, to: $to, first: $first';
const top = (p: Params) => ({
  currency: p.currency,
  from: p.from,
  to: p.to,
  first: p.first === undefined ? undefined : Number(p.first),
});

/** The filter of the platform-wide reports by period (support, engagement). */
const periods = (p: Params) => ({
  filter: { from: p.from, to: p.to, granularity: p.granularity, timezone: p.timezone },
});

/**
 * The tabular reports, by the name of their download (`/reports/<name>.csv`). Each runs the
 * same GraphQL operation a client would, through this gateway with the caller's token, so the
 * authorization is the report's own (ADMIN everything, an ORGANIZER their own, others FORBIDDEN).
 */
export const EXPORTS: Record<string, Export> = {
  sales: {
    query: `query($filter: SalesReportFilter!) { salesReport(filter: $filter) { periods { start label currency
      orders grossCents refunds refundCents netCents ticketsSold ticketsRefunded unitsSold unitsRefunded cancelledOrders } } }`,
    variables: (p) => ({
      filter: {
        from: p.from,
        to: p.to,
        granularity: p.granularity,
        timezone: p.timezone,
        organizerId: p.organizerId,
        eventId: p.eventId,
        currency: p.currency,
      },
    }),
    rows: 'salesReport.periods',
    columns: columns(
      ...['start', 'label', 'currency', 'orders', 'grossCents', 'refunds', 'refundCents', 'netCents'],
      ...['ticketsSold', 'ticketsRefunded', 'unitsSold', 'unitsRefunded', 'cancelledOrders'],
    ),
  },
  'top-products': {
    query: `query(${TOP_ARGS}, $organizerId: ID) { topProducts(${RANKING}, organizerId: $organizerId) {
      product { id title } currency orders grossCents refundCents netCents unitsSold } }`,
    variables: (p) => ({ ...top(p), organizerId: p.organizerId }),
    rows: 'topProducts',
    columns: columns('product.id', 'product.title', 'currency', ...MONEY, 'unitsSold'),
  },
  'top-events': {
    query: `query(${TOP_ARGS}, $organizerId: ID) { topEvents(${RANKING}, organizerId: $organizerId) {
      event { id title startsAt } currency orders grossCents refundCents netCents ticketsSold } }`,
    variables: (p) => ({ ...top(p), organizerId: p.organizerId }),
    rows: 'topEvents',
    columns: columns('event.id', 'event.title', 'event.startsAt', 'currency', ...MONEY, 'ticketsSold'),
  },
  'top-sellers': {
    query: `query(${TOP_ARGS}) { topSellers(${RANKING}) {
      seller { id name } currency orders grossCents refundCents netCents ticketsSold unitsSold } }`,
    variables: top,
    rows: 'topSellers',
    columns: columns('seller.id', 'seller.name', 'currency', ...MONEY, 'ticketsSold', 'unitsSold'),
  },
  'category-sales': {
    query: `query($filter: CategorySalesFilter) { categorySales(filter: $filter) { categoryId parentId name depth
      currency grossCents refundCents netCents unitsSold ownNetCents } }`,
    variables: (p) => ({ filter: { from: p.from, to: p.to, organizerId: p.organizerId, currency: p.currency } }),
    rows: 'categorySales',
    columns: columns(
      ...['categoryId', 'parentId', 'name', 'depth', 'currency', 'grossCents', 'refundCents', 'netCents'],
      ...['unitsSold', 'ownNetCents'],
    ),
  },
  support: {
    query: `query($filter: ReportPeriodsFilter!) { supportReport(filter: $filter) { periods { start label opened
      resolved responded firstResponseMedianSeconds firstResponseP90Seconds slaBreached slaBreachRate ratings
      averageRating } } }`,
    variables: periods,
    rows: 'supportReport.periods',
    columns: columns(
      ...['start', 'label', 'opened', 'resolved', 'responded', 'firstResponseMedianSeconds'],
      ...['firstResponseP90Seconds', 'slaBreached', 'slaBreachRate', 'ratings', 'averageRating'],
    ),
  },
  engagement: {
    query: `query($filter: ReportPeriodsFilter!) { engagementReport(filter: $filter) { periods { start label
      pointsAwarded awards pointsReversed activeUsers badgesAwarded levelsReached rewardsRedeemed pointsRedeemed
      receiptsApproved } } }`,
    variables: periods,
    rows: 'engagementReport.periods',
    columns: columns(
      ...['start', 'label', 'pointsAwarded', 'awards', 'pointsReversed', 'activeUsers', 'badgesAwarded'],
      ...['levelsReached', 'rewardsRedeemed', 'pointsRedeemed', 'receiptsApproved'],
    ),
  },
  'customer-segments': {
    query: `query($asOf: DateTime) { customerSegments(asOf: $asOf) { segments { segment customers orders
      monetary { currency netCents } } } }`,
    variables: (p) => ({ asOf: p.asOf }),
    rows: 'customerSegments.segments',
    spread: 'monetary',
    columns: [
      ['segment', 'segment'],
      ['customers', 'customers'],
      ['orders', 'orders'],
      ['currency', 'monetary.currency'],
      ['netCents', 'monetary.netCents'],
    ],
  },
  'low-stock': {
    query: `query($threshold: Int, $organizerId: ID, $first: Int) { lowStock(threshold: $threshold, organizerId: $organizerId,
      first: $first) { kind name remaining total product { id } ticketType { id } event { id title } seller { id name } } }`,
    variables: (p) => ({
      threshold: p.threshold === undefined ? undefined : Number(p.threshold),
      organizerId: p.organizerId,
      first: p.first === undefined ? undefined : Number(p.first),
    }),
    rows: 'lowStock',
    columns: columns(
      ...['kind', 'name', 'remaining', 'total', 'product.id', 'ticketType.id', 'event.id', 'event.title'],
      ...['seller.id', 'seller.name'],
    ),
  },
};

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  if (typeof value === 'string') text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const HTTP_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
};

/**
 * `GET /reports/<name>.csv?...`: a tabular report as a CSV download (UTF-8, header row, CRLF),
 * with the bearer token of the caller; the report's arguments are query parameters
 * (`sales.csv?from=...&to=...&granularity=DAY&timezone=...`, `top-products.csv?currency=EUR`).
 * Refusals answer in GraphQL's error shape with the matching HTTP status (401, 403, 400).
 */
export function reportExports(deps: {
  apollo: ApolloServer<GatewayContext>;
  contextOf: (req: Request, res: Response) => Promise<GatewayContext>;
  logger: Logger;
}): Router {
  const router = express.Router();
  router.get('/:name.csv', async (req, res) => {
    const spec = Object.hasOwn(EXPORTS, req.params.name) ? EXPORTS[req.params.name] : undefined;
    const refuse = (status: number, code: string, message: string) =>
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    if (!spec) return refuse(404, ErrorCode.NOT_FOUND, `No report ${req.params.name}.csv`);
    const params: Params = {};
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') params[k] = v;
    try {
      const contextValue = await deps.contextOf(req, res);
      const response = await deps.apollo.executeOperation(
        { query: spec.query, variables: spec.variables(params) },
        { contextValue },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental result');
      const { data, errors } = response.body.singleResult;
      if (errors?.length || !data) {
        const first = errors?.[0]?.extensions?.code;
        const code = typeof first === 'string' ? first : ErrorCode.INTERNAL_SERVER_ERROR;
        return res.status(HTTP_STATUS[code] ?? 500).json({ errors });
      }
      const rows = ((at(data, spec.rows) as unknown[] | undefined) ?? []).flatMap((row) => spread(row, spec.spread));
      const lines = [
        spec.columns.map(([header]) => header),
        ...rows.map((row) => spec.columns.map(([, p]) => at(row, p))),
      ];
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="${req.params.name}.csv"`)
        .send(lines.map((l) => `${l.map(csvField).join(',')}\r\n`).join(''));
    } catch (err) {
      const code = (err as { extensions?: { code?: string } }).extensions?.code;
      if (code === ErrorCode.UNAUTHENTICATED) return refuse(401, code, (err as Error).message);
      deps.logger.error('report export failed', { report: req.params.name, error: (err as Error).message });
      return refuse(500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
    }
  });
  return router;
}
