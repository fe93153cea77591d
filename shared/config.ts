/**
 * The one place that reads `process.env`. Every process parses its environment once at start
 * with `loadConfig()` and passes the result (or the parts it needs) down; a bad variable stops
 * the process with a message naming it.
 */
import { z } from 'zod';
import { SUBGRAPH_NAMES, jwksUrl, subgraphTimeoutVariable, subgraphUrlVariable } from './services';
import { knownTimeZone } from './validation';

const bool = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with protocol ${protocols.join(' or ')}`,
  );

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Postgres connection string. Absent in embedded mode, where `npm start` fills it in. */
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /** How long to wait for a Postgres connection before failing. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /**
   * Connections in this process's Postgres pool. Every service process (each subgraph, the
   * gateway) holds its own: keep services x replicas x DB_POOL_MAX under Postgres'
   * max_connections (100 by default; 10 each leaves room for eight services and the tools). A request that finds the pool full waits up to
   * DB_CONNECT_TIMEOUT_MS, then gets a retryable SERVICE_UNAVAILABLE.
   */
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  /** Redis for cross-instance events, caching and rate limits; optional in embedded mode. */
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  /** The Redis stream that carries domain events; one per deployment. */
  EVENT_STREAM: z.string().min(1).default('domain-events'),
  /** Port to listen on; each service has its own default (gateway 4000, users 4001, ...). */
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Interface to listen on. Default: all (`0.0.0.0`) for the gateway and for subgraphs in
   * production; loopback for subgraphs otherwise, so in development only the gateway is reachable
   * from the network.
   */
  HOST: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('ticketing-supergraph'),
  JWT_AUDIENCE: z.string().min(1).default('ticketing-api'),
  /**
   * users only: the signing keys, a JSON array of `{ "kid", "privateKeyPem" }`. The first signs;
   * all are published in the JWKS so tokens signed by a retiring key stay valid.
   */
  JWT_SIGNING_KEYS: z.string().optional(),
  /** users only: a file holding the same JSON as JWT_SIGNING_KEYS (for mounted secrets). */
  JWT_SIGNING_KEYS_FILE: z.string().optional(),
  /**
   * tickets only: the keys that sign ticket QR codes, a JSON array of `{ "kid", "privateKeyPem" }`
   * (Ed25519, PKCS#8 PEM). The first signs; all verify and are published at
   * `/.well-known/qr-keys.json`, so rotate by prepending a new key and drop the old one only
   * once no ticket signed by it should still scan.
   */
  QR_SIGNING_KEYS: z.string().optional(),
  /** tickets only: a file holding the same JSON as QR_SIGNING_KEYS (for mounted secrets). */
  QR_SIGNING_KEYS_FILE: z.string().optional(),
  /** Where the gateway and the other subgraphs fetch the public keys. */
  JWKS_URL: url(['http:', 'https:']).default(jwksUrl()),
  /**
   * Shared secret the gateway sends in `x-subgraph-secret`; when set, subgraphs refuse requests
   * without it. Required in production.
   */
  SUBGRAPH_SECRET: z.string().min(16).optional(),
  /**
   * Bearer token a Prometheus scraper sends to read `/metrics` on any service. Without it
   * `/metrics` is open in development and absent in production.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * OpenTelemetry traces (shared/tracing.ts): the OTLP/HTTP collector's base URL, e.g.
   * `http://otel-collector:4318`; spans go to its `/v1/traces` as JSON. Unset: tracing is off
   * (no spans are made and no `traceparent` is sent).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  /** The `service.name` of this process's spans; default: the service's own (`gateway`, `users`, ...). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /**
   * gateway only: the Ed25519 private key (base64 of its PKCS#8 DER) that signs the viewer
   * credential it sends subgraphs with each request (shared/auth/credential.ts). Required in
   * production; `npm run keys:generate -- credential` prints a pair, `npm start` makes one per
   * run. Without one (development), the gateway forwards the client's token and subgraphs
   * verify it themselves.
   */
  VIEWER_CREDENTIAL_SIGNING_KEY: z.string().min(1).optional(),
  /** Subgraphs: the public half of VIEWER_CREDENTIAL_SIGNING_KEY (base64 of its SPKI DER). Required in production. */
  VIEWER_CREDENTIAL_PUBLIC_KEY: z.string().min(1).optional(),
  /** gateway: the composed supergraph SDL it serves. */
  SUPERGRAPH_PATH: z.string().default('schema/supergraph.graphql'),
  /** gateway, development only: compose from the running subgraphs instead of the file. */
  GATEWAY_COMPOSE_FROM_SUBGRAPHS: bool.default(false),
  /** gateway, with GATEWAY_COMPOSE_FROM_SUBGRAPHS: how often it re-introspects the subgraphs. */
  GATEWAY_COMPOSE_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),
  /**
   * gateway: @apollo/gateway sends usage metrics to Apollo unless this is set; off unless an
   * operator opts in.
   */
  APOLLO_TELEMETRY_DISABLED: bool.default(true),
  /**
   * gateway → subgraph HTTP client. A fetch that has no answer within SUBGRAPH_TIMEOUT_MS
   * (or its subgraph's `SUBGRAPH_<NAME>_TIMEOUT_MS`) fails with SERVICE_UNAVAILABLE; the rest
   * of the operation is still answered.
   */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * gateway: the deadline of a mutation fetch. A mutation the gateway stops waiting for may
   * still commit (a scan accepted, an order placed) while the client is told it failed, so this
   * outlasts a subgraph's own bounded waits (a transaction waits up to 15 s for a connection and
   * runs up to 20 s: shared/db.ts).
   */
  SUBGRAPH_MUTATION_TIMEOUT_MS: z.coerce.number().int().positive().default(40_000),
  /** gateway: kept-alive connections per subgraph (requests beyond queue for one). */
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().positive().default(128),
  /**
   * gateway: how long an idle connection to a subgraph stays pooled. Must stay below the
   * subgraphs' server keep-alive timeout (65 s, shared/http.ts) so the subgraph never closes a
   * socket the gateway is about to reuse.
   */
  SUBGRAPH_KEEP_ALIVE_MS: z.coerce.number().int().positive().max(60_000).default(10_000),
  /** gateway: consecutive failed fetches (unreachable, timed out) that open a subgraph's circuit. */
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().positive().default(5),
  /** gateway: how long an open circuit fails fast before one probe request is let through. */
  SUBGRAPH_BREAKER_HALF_OPEN_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * gateway: identical subgraph queries in flight at once (same subgraph, document, variables
   * and credentials) share one fetch. Never mutations.
   */
  SUBGRAPH_DEDUPLICATION: bool.default(true),
  /** gateway: deepest accepted operation. */
  MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(12),
  /** gateway: aliased fields per operation (2,000 aliases of one field are one request's worth of work x 2,000). */
  MAX_QUERY_ALIASES: z.coerce.number().int().nonnegative().default(30),
  /** gateway: fields at the root of one operation. */
  MAX_QUERY_ROOT_FIELDS: z.coerce.number().int().positive().default(20),
  /** gateway: directives per operation. */
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().nonnegative().default(20),
  /** gateway: lexical tokens per document, checked while parsing (the body limit bounds bytes, not work). */
  MAX_QUERY_TOKENS: z.coerce.number().int().positive().default(3000),
  /**
   * gateway: the cost budget of one operation for a signed-in caller, and for an anonymous one
   * (lower: anyone can send those). See `operationCost` in gateway/src/limits.ts.
   */
  MAX_QUERY_COST: z.coerce.number().int().positive().default(20_000),
  MAX_QUERY_COST_ANONYMOUS: z.coerce.number().int().positive().default(5_000),
  /**
   * gateway: the cost one caller may spend per minute over HTTP (a signed-in user by id, an
   * anonymous caller by address), spent evenly (a sixth in any 10 s), so a flood of the costliest
   * accepted query is refused cheaply (RATE_LIMITED, HTTP 429) instead of slowing everyone.
   * A sixth must hold one operation's MAX_QUERY_COST(_ANONYMOUS). Counted per gateway instance.
   */
  MAX_QUERY_COST_PER_MINUTE: z.coerce.number().int().positive().default(300_000),
  MAX_QUERY_COST_PER_MINUTE_ANONYMOUS: z.coerce.number().int().positive().default(60_000),
  /**
   * gateway: HTTP requests one caller may have running at once (a signed-in user by id, an
   * anonymous caller by address), checked before the body is read; more wait their turn, up to
   * MAX_QUEUED_PER_CALLER of them for at most IN_FLIGHT_MAX_WAIT_MS, and past that are refused
   * (RATE_LIMITED, HTTP 429). Keeps one caller's flood from crowding out everyone else's
   * requests. Counted per gateway instance.
   */
  MAX_IN_FLIGHT_PER_USER: z.coerce.number().int().positive().default(32),
  MAX_IN_FLIGHT_PER_ADDRESS: z.coerce.number().int().positive().default(4),
  MAX_QUEUED_PER_CALLER: z.coerce.number().int().nonnegative().default(256),
  IN_FLIGHT_MAX_WAIT_MS: z.coerce.number().int().positive().default(10_000),
  /** gateway: active subscriptions one WebSocket connection may hold. */
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(20),
  /**
   * gateway, slow-client policy: a WebSocket client whose unsent bytes exceed this, or with more
   * than SUBSCRIPTION_MAX_PENDING_EVENTS events waiting in one subscription, is closed with 4008.
   */
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(1_048_576),
  SUBSCRIPTION_MAX_PENDING_EVENTS: z.coerce.number().int().positive().default(100),
  /**
   * gateway: reconnection to a subgraph's subscription endpoint after it drops: this many
   * attempts, waiting SUBSCRIPTION_UPSTREAM_RETRY_DELAY_MS doubled each time (capped at 8x);
   * then the subscriptions end with a SERVICE_UNAVAILABLE error.
   */
  SUBSCRIPTION_UPSTREAM_RETRY_ATTEMPTS: z.coerce.number().int().min(0).default(5),
  SUBSCRIPTION_UPSTREAM_RETRY_DELAY_MS: z.coerce.number().int().positive().default(500),
  /** orders: the payment provider. Only the built-in `mock` exists so far (it pays through our own webhook). */
  PAYMENT_PROVIDER: z.enum(['mock']).default('mock'),
  /**
   * orders: the secret of the payment webhook's Stripe-compatible signature. Required in
   * production (see subgraphs/orders/src/settings.ts); elsewhere a development secret by default.
   */
  PAYMENT_WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * orders, mock provider: where it posts its webhooks. Default: this service's own
   * `/webhooks/payments`, derived from the address it listens on.
   */
  PAYMENT_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  /** orders: how long checkout holds stock and tickets while waiting for the payment. */
  ORDER_HOLD_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  /** support: the help desk's opening hours, e.g. `mon-fri 09:00-18:00; sat 10:00-14:00` (SLA clocks count only these). */
  SUPPORT_BUSINESS_HOURS: z.string().min(1).default('mon-fri 09:00-18:00'),
  /** support: the IANA time zone of SUPPORT_BUSINESS_HOURS. */
  SUPPORT_TIMEZONE: z.string().min(1).default('Europe/Madrid'),
  /**
   * users: failed logins one client address may make in 15 minutes, whatever the accounts
   * (password spraying), and one account may take, whatever the addresses (a distributed guess).
   * One email from one address is limited to 5 besides.
   */
  LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(20),
  LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(50),
  /** users: accounts one client address may register per hour. */
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().positive().default(10),
  /**
   * gateway: the proxies in front of it whose `X-Forwarded-For` names the client, as express's
   * `trust proxy` takes them: comma-separated addresses, CIDRs or `loopback`/`linklocal`/
   * `uniquelocal`. Empty (the default): the gateway is the edge and uses the peer address.
   */
  TRUST_PROXY: z.string().default(''),
  /** support: widget tickets one client address may open per hour. */
  SUPPORT_WIDGET_LIMIT_PER_IP: z.coerce.number().int().positive().default(20),
  /** support: widget tickets one email may open per hour. */
  SUPPORT_WIDGET_LIMIT_PER_EMAIL: z.coerce.number().int().positive().default(5),
  /** gamification: the IANA time zone of local days, weeks and seasons (caps, streaks, leaderboards). */
  GAMIFICATION_TIMEZONE: z.string().min(1).default('Europe/Madrid'),
  /** gateway and gamification: the largest receipt upload (`POST /uploads/receipts`), in bytes. */
  RECEIPT_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** gamification: how long an upload id may be submitted (`submitReceipt`), in minutes. */
  RECEIPT_UPLOAD_TTL_MINUTES: z.coerce.number().int().positive().default(60),
  /** gamification: the folder of the receipt file store (originals and normalised images). */
  RECEIPT_STORAGE_DIR: z.string().min(1).default('.data/receipts'),
  /** gamification: receipts older than this many days are rejected (`TOO_OLD`). */
  RECEIPT_MAX_AGE_DAYS: z.coerce.number().int().positive().default(90),
  /** gamification: accepted receipt totals, in cents of their currency. */
  RECEIPT_MIN_TOTAL_CENTS: z.coerce.number().int().min(0).default(50),
  RECEIPT_MAX_TOTAL_CENTS: z.coerce.number().int().positive().default(500_000),
  /** gamification: receipts a user may have accepted per local day (`DAILY_LIMIT` beyond). */
  RECEIPT_MAX_PER_DAY: z.coerce.number().int().positive().default(10),
  /** gamification: extractions below this confidence wait for an ADMIN (`NEEDS_REVIEW`). */
  RECEIPT_REVIEW_BELOW_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.8),
  /** gamification: how long a worker holds a receipt it processes before another may take it over. */
  RECEIPT_LEASE_MS: z.coerce.number().int().positive().default(120_000),
  /** gamification: OCR of receipts without a fiscal QR code (tesseract.js, offline). */
  RECEIPT_OCR: bool.default(true),
  /** gamification: the hosted model extractor, off unless `gemini` (then RECEIPT_MODEL_API_KEY is required). */
  RECEIPT_MODEL_PROVIDER: z.enum(['none', 'gemini']).default('none'),
  RECEIPT_MODEL_API_KEY: z.string().min(1).optional(),
  /** gamification: the provider's API base (Gemini: `https://generativelanguage.googleapis.com/v1beta`). */
  RECEIPT_MODEL_URL: url(['http:', 'https:']).default('https://generativelanguage.googleapis.com/v1beta'),
  RECEIPT_MODEL_NAME: z.string().min(1).default('gemini-2.5-flash'),
  RECEIPT_MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** reports: the IANA time zone reports are bucketed in when a query names none (days, the dashboard's today). */
  REPORTS_TIMEZONE: z
    .string()
    .refine((name) => knownTimeZone(name) !== undefined, 'unknown IANA time zone')
    .default('Europe/Madrid'),
  /**
   * notifications: the SMTP server mail goes out through, e.g. `smtp://user:pass@mail.example.com:587`
   * (`smtps:` for implicit TLS). Unset under `npm start`: it runs a development mailbox on
   * localhost and points notifications at it. Required when notifications runs on its own.
   */
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  /** notifications: the From of every mail (`Name <address>` or an address). */
  MAIL_FROM: z.string().min(3).default('Ticketing <no-reply@ticketing.localhost>'),
  /** notifications: the Reply-To of every mail (help-desk mail replies to the help desk). */
  MAIL_REPLY_TO: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  /** notifications: the base URL of the web app that links in mails open (verify, reset, tickets, unsubscribe). */
  APP_URL: url(['http:', 'https:']).default('http://localhost:4000'),
  /**
   * Development only: the folder where `npm start`'s mailbox stores what it receives, and which
   * the gateway's `/dev/mailbox` page lists.
   */
  MAILBOX_DIR: z.string().min(1).default('.data/mailbox'),
});

/**
 * gateway: `SUBGRAPH_<NAME>_URL` (e.g. `SUBGRAPH_USERS_URL`) overrides the routing URL the
 * supergraph gives a subgraph; one variable per subgraph of the registry (shared/services.ts).
 */
const subgraphUrlSchema = z.object(
  Object.fromEntries(SUBGRAPH_NAMES.map((name) => [subgraphUrlVariable(name), url(['http:', 'https:']).optional()])),
);

/** gateway: `SUBGRAPH_<NAME>_TIMEOUT_MS` overrides SUBGRAPH_TIMEOUT_MS for one subgraph. */
const subgraphTimeoutSchema = z.object(
  Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [subgraphTimeoutVariable(name), z.coerce.number().int().positive().optional()]),
  ),
);

export type Config = z.infer<typeof schema> & {
  isProduction: boolean;
  isDevelopment: boolean;
  /** Routing URL overrides by subgraph name (from `SUBGRAPH_<NAME>_URL`); absent: the supergraph's URL. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** Fetch timeout overrides by subgraph name (from `SUBGRAPH_<NAME>_TIMEOUT_MS`). */
  subgraphTimeoutsMs: Readonly<Record<string, number>>;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const urls = subgraphUrlSchema.safeParse(env);
  const timeouts = subgraphTimeoutSchema.safeParse(env);
  if (!parsed.success || !urls.success || !timeouts.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(urls.error?.issues ?? []), ...(timeouts.error?.issues ?? [])];
    const lines = issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    const missing = (['DATABASE_URL', 'SUBGRAPH_SECRET'] as const).filter((k) => !config[k]);
    if (missing.length) {
      throw new ConfigError(`Invalid environment:\n${missing.map((k) => `  ${k}: required in production`).join('\n')}`);
    }
  }
  return {
    ...config,
    isProduction: config.NODE_ENV === 'production',
    isDevelopment: config.NODE_ENV === 'development',
    subgraphUrls: Object.fromEntries(
      SUBGRAPH_NAMES.flatMap((name) => {
        const override = urls.data[subgraphUrlVariable(name)];
        return override ? [[name, override]] : [];
      }),
    ),
    subgraphTimeoutsMs: Object.fromEntries(
      SUBGRAPH_NAMES.flatMap((name) => {
        const override = timeouts.data[subgraphTimeoutVariable(name)];
        return override ? [[name, override]] : [];
      }),
    ),
  };
}

/**
 * @apollo/gateway reads its telemetry switch from `process.env` in its constructor; call this
 * before constructing one so the switch follows our parsed config.
 */
export function applyApolloTelemetrySwitch(config: Config): void {
  process.env.APOLLO_TELEMETRY_DISABLED = config.APOLLO_TELEMETRY_DISABLED ? 'true' : 'false';
}

/** A service started on its own (not by `npm start`, which fills it in) must be given a database. */
export function requireDatabaseUrl(config: Config, service: string): string {
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      `Invalid environment:\n  DATABASE_URL: required by ${service} (npm start sets it in embedded mode)`,
    );
  }
  return config.DATABASE_URL;
}

/** Stops the process with the config error's message instead of a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
