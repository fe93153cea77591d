import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { printSchema, type GraphQLSchema } from 'graphql';
import { clientAddressOf } from './client-address';
import { credentialSigner, loadCredentialSigningKey } from '../../shared/auth/credential';
import type { SessionChangeFeed } from '../../shared/auth/session-changes';
import { authenticateHttpRequest, type TokenVerifier, type Viewer } from '../../shared/auth/tokens';
import { ConfigError, applyApolloTelemetrySwitch, type Config } from '../../shared/config';
import { ErrorCode, createErrorFormatter } from '../../shared/errors';
import { inputGuardPlugin } from '../../shared/input-guard';
import { metricsRoute } from '../../shared/metrics';
import { accessLogging, unexpectedErrorLogging } from '../../shared/request-logging';
import type { Logger } from '../../shared/logger';
import { listenHttp, type RunningServer } from '../../shared/http';
import { operationSpanNaming, serverSpans, type Tracing } from '../../shared/tracing';
import type { Pool } from '../../shared/pg';
import { dashboardPage } from './dashboard';
import {
  costLimitPlugin,
  costRate,
  limitRules,
  perWindow,
  type Caller,
  type CostBudgets,
  type CostRate,
} from './limits';
import { limitInFlight } from './in-flight';
import { mailboxRoutes } from './mailbox';
import { readinessCheck } from './readiness';
import { unsubscribeRoute } from './unsubscribe';
import { reportExports } from './report-exports';
import { serveSubscriptions } from './subscriptions/server';
import { receiptUploadProxy } from './uploads';
import {
  SubgraphDataSource,
  routingUrlFor,
  subgraphClients,
  subgraphEndpoints,
  viewerIdentity,
  type GatewayContext,
} from './subgraphs';

export interface GatewayDeps {
  config: Config;
  /** Postgres, which `/ready` checks. */
  pool: Pool;
  verifier: TokenVerifier;
  /** users' pushed session revocations and role changes: they end or refresh live subscriptions. */
  sessionChanges: SessionChangeFeed;
  logger: Logger;
  /**
   * The supergraph to serve instead of the file at `SUPERGRAPH_PATH` (tests). With
   * `GATEWAY_COMPOSE_FROM_SUBGRAPHS` it only lists the subgraphs to introspect.
   */
  supergraphSdl?: string;
  /**
   * The gateway's traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (shared/tracing.ts): the
   * global provider, so @apollo/gateway's own spans are recorded under the request's.
   */
  tracing?: Tracing;
}

export interface GatewayServer {
  app: Express;
  /** Upstream (gateway → subgraph) subscriptions open now: identical client subscriptions share one. */
  readonly upstreamSubscriptions: number;
  /** Subgraph fetches answered by an identical fetch already in flight, since start. */
  readonly deduplicatedFetches: number;
  listen(port: number, host?: string): Promise<RunningServer>;
}

/** Incoming `x-request-id` values are kept only when they look like ids, not like payloads. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Cannot read the supergraph at SUPERGRAPH_PATH=${path} (run \`npm run compose\`): ${(err as Error).message}`,
    );
  }
}

/** Apollo's logger interface on top of ours. */
function apolloLogger(logger: Logger) {
  const text = (message: unknown) => (message instanceof Error ? message.message : String(message));
  return {
    debug: (message?: unknown) => logger.debug(text(message)),
    info: (message?: unknown) => logger.info(text(message)),
    warn: (message?: unknown) => logger.warn(text(message)),
    error: (message?: unknown) => logger.error(text(message)),
  };
}

/** Express's body parsers fail with an HTTP status; answer in GraphQL's error shape, not HTML. */
function bodyErrorHandler(maxBodyBytes: number, logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    let message = 'Internal server error';
    if (status === 413) message = `Request body is larger than ${maxBodyBytes} bytes`;
    else if (status >= 400 && status < 500) message = 'Malformed request body';
    else logger.error('request failed', { error: (err as Error).message });
    const code = status < 500 ? 'BAD_REQUEST' : ErrorCode.INTERNAL_SERVER_ERROR;
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

const SPENT_REFUSAL_DELAY_MS = 1_000;

/**
 * Refuses a caller whose cost per minute is spent before its body is read, parsed, validated
 * or costed: a flood from a spent caller then costs the gateway a token check and a map
 * lookup per request, not the work of the operation it sends, which is what kept a normal
 * client waiting (`npm run bench -- flood`). The refusal is the one the cost check gives
 * (RATE_LIMITED, HTTP 429, `retryAfterSeconds`), with `Retry-After`. A request whose token
 * does not verify goes on, to be answered 401 by Apollo as any other.
 *
 * The refusal is answered after SPENT_REFUSAL_DELAY_MS, holding the caller's slot in flight
 * (`limitInFlight`): a flooder that ignores Retry-After then gets a few answers a second instead
 * of hundreds, each of which would have cost this process a parse and a reply.
 */
function refuseSpentCallers(rate: CostRate, callerOf: (req: Request) => Promise<Caller | undefined>): RequestHandler {
  return async (req, res, next) => {
    // A GET without a query is the landing page (development), not an operation.
    if (req.method === 'GET' && req.query.query === undefined) return next();
    const caller = await callerOf(req);
    const refusal = caller && (await rate.spent(caller));
    if (!refusal) return next();
    await sleep(SPENT_REFUSAL_DELAY_MS);
    const retryAfterSeconds = Number(refusal.extensions.retryAfterSeconds);
    res
      .status(429)
      .set('retry-after', String(retryAfterSeconds))
      .json({
        errors: [{ message: refusal.message, extensions: { code: refusal.extensions.code, retryAfterSeconds } }],
      });
  };
}

/**
 * The gateway: an Apollo gateway over the subgraphs of the supergraph, behind `/graphql`, with
 * `/health` (alive) and `/ready` (Postgres and every subgraph answer). In development it also
 * serves Apollo Sandbox at `/graphql` and the API schema at `/schema.graphql`.
 */
export async function createGateway(deps: GatewayDeps): Promise<GatewayServer> {
  const { config, logger } = deps;
  if (config.GATEWAY_COMPOSE_FROM_SUBGRAPHS && config.isProduction) {
    throw new ConfigError(
      'GATEWAY_COMPOSE_FROM_SUBGRAPHS is for development; production serves the composed SUPERGRAPH_PATH',
    );
  }
  if (config.isProduction && !config.VIEWER_CREDENTIAL_SIGNING_KEY) {
    throw new ConfigError('Invalid environment:\n  VIEWER_CREDENTIAL_SIGNING_KEY: required in production');
  }
  // With it, the token and its session are checked here once per request and subgraphs trust
  // the credential; without it (development), they verify the forwarded token themselves.
  const sign = config.VIEWER_CREDENTIAL_SIGNING_KEY
    ? credentialSigner(loadCredentialSigningKey(config.VIEWER_CREDENTIAL_SIGNING_KEY))
    : undefined;
  const supergraphSdl = deps.supergraphSdl ?? readSupergraph(config.SUPERGRAPH_PATH);
  const subgraphs = subgraphEndpoints(supergraphSdl, config);

  applyApolloTelemetrySwitch(config);
  const clients = subgraphClients(config, logger, deps.tracing?.tracer);
  const gateway = new ApolloGateway({
    supergraphSdl: config.GATEWAY_COMPOSE_FROM_SUBGRAPHS
      ? new IntrospectAndCompose({ subgraphs, pollIntervalInMs: config.GATEWAY_COMPOSE_POLL_INTERVAL_MS })
      : supergraphSdl,
    buildService: ({ name, url }) => {
      if (!url) throw new Error(`Subgraph ${name} has no routing URL`);
      return new SubgraphDataSource(
        clients.for(name, routingUrlFor(config, { name, url })),
        config.SUBGRAPH_SECRET,
        config.SUBGRAPH_DEDUPLICATION,
      );
    },
    logger: apolloLogger(logger),
  });
  // The public API schema (no join directives), kept current when compose-from-subgraphs
  // picks up a change.
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    apiSchema = schema;
  });

  const app = express();
  app.disable('x-powered-by');
  // Express hashes every response body it sends for an ETag (sha1 of each GraphQL answer, ~1%
  // of the gateway's CPU under load); POSTed operations are never revalidated, so none is made.
  app.set('etag', false);
  const httpServer = http.createServer(app);
  const clientAddress = clientAddressOf(config.TRUST_PROXY);

  const validationRules = limitRules({
    maxDepth: config.MAX_QUERY_DEPTH,
    maxAliases: config.MAX_QUERY_ALIASES,
    maxDirectives: config.MAX_QUERY_DIRECTIVES,
    maxRootFields: config.MAX_QUERY_ROOT_FIELDS,
  });
  const costBudgets: CostBudgets = { signedIn: config.MAX_QUERY_COST, anonymous: config.MAX_QUERY_COST_ANONYMOUS };
  // Registers for schema loads, so it must exist before Apollo starts (and loads) the gateway.
  const subscriptions = serveSubscriptions({
    httpServer,
    gateway,
    config,
    verifier: deps.verifier,
    sign,
    sessionChanges: deps.sessionChanges,
    logger,
    apolloLogger: apolloLogger(logger),
    validationRules,
    clients,
    costBudgets,
    clientAddress,
  });

  for (const [operation, minute] of [
    ['MAX_QUERY_COST', 'MAX_QUERY_COST_PER_MINUTE'],
    ['MAX_QUERY_COST_ANONYMOUS', 'MAX_QUERY_COST_PER_MINUTE_ANONYMOUS'],
  ] as const) {
    if (perWindow(config[minute]) < config[operation]) {
      throw new ConfigError(
        `Invalid environment:\n  ${minute}: a sixth of it (spent per 10 s) must hold one operation of ${operation}`,
      );
    }
  }
  const rate = costRate({
    signedIn: config.MAX_QUERY_COST_PER_MINUTE,
    anonymous: config.MAX_QUERY_COST_PER_MINUTE_ANONYMOUS,
  });
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    // A subgraph's masked error was logged by that subgraph under the same request id (the
    // gateway forwards it); what fails here (a subgraph unreachable, a planning bug) is logged here.
    unexpectedErrorLogging<GatewayContext>(
      logger,
      (extensions) => 'serviceName' in extensions && extensions.code === ErrorCode.INTERNAL_SERVER_ERROR,
    ),
    accessLogging<GatewayContext>('gateway', logger),
    // NUL characters and oversized strings are refused here, before any subgraph is called.
    inputGuardPlugin<GatewayContext>(),
    // The cost needs the variables (`first: $n`), so it is checked once they are known.
    costLimitPlugin(costBudgets, rate),
    ...(deps.tracing ? [operationSpanNaming<GatewayContext>()] : []),
  ];
  if (config.isDevelopment) {
    // Sandbox loads from Apollo's CDN and connects to the URL the page was served from
    // (`initialEndpoint = window.location.href`; v5 has no option to preset another), so the
    // page is served only at /graphql and `/` redirects there.
    plugins.push(
      ApolloServerPluginLandingPageLocalDefault({
        embed: { endpointIsEditable: false, runTelemetry: false },
        includeCookies: false,
      }),
    );
  } else {
    // Without this Apollo installs a default landing page of its own.
    plugins.push(ApolloServerPluginLandingPageDisabled());
  }

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.isProduction,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: config.isDevelopment,
    formatError: createErrorFormatter(config.isDevelopment, { hideSuggestions: config.isProduction }),
    validationRules,
    // Refuses a document of more tokens before building it (graphql-js's own limit).
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    // "Did you mean ...?" would enumerate the schema that introspection hides.
    hideSchemaDetailsFromClientErrors: config.isProduction,
    logger: apolloLogger(logger),
    plugins,
    // The process entry owns shutdown (stop, then end the pool); Apollo's own signal
    // handlers would race it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const ready = readinessCheck({ pool: deps.pool, subgraphs, logger });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const { ready: isReady, checks } = await ready();
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'unavailable', checks });
  });

  app.get('/metrics', metricsRoute({ token: config.METRICS_TOKEN, isProduction: config.isProduction }));

  if (config.isDevelopment) {
    app.get('/', (_req, res) => {
      res.redirect('/graphql');
    });
    // The offline way to explore the API when Sandbox's CDN is out of reach: the SDL of the
    // public API schema, for an editor or any local GraphQL tool.
    app.get('/schema.graphql', (_req, res) => {
      if (!apiSchema) {
        res.status(503).type('text/plain').send('The schema is not loaded yet\n');
        return;
      }
      res.type('text/plain').send(`${printSchema(apiSchema)}\n`);
    });
    // What the platform mailed, as the development mailbox of `npm start` received it.
    app.use('/dev/mailbox', mailboxRoutes(config.MAILBOX_DIR));
  }

  // The live dashboard page (gateway/dashboard/), in every environment: it only calls the API.
  app.use('/dashboard', dashboardPage());

  // One-click unsubscribe from marketing mail (RFC 8058), for notifications.
  const notifications = subgraphs.find((s) => s.name === 'notifications');
  app.use(
    '/unsubscribe',
    unsubscribeRoute({ target: notifications?.url, subgraphSecret: config.SUBGRAPH_SECRET, logger }),
  );

  // Receipt photos: streamed to gamification, which owns them (gateway/src/uploads.ts).
  const gamification = subgraphs.find((s) => s.name === 'gamification');
  app.post(
    '/uploads/receipts',
    receiptUploadProxy({
      target: gamification && new URL('/uploads/receipts', gamification.url).toString(),
      maxBytes: config.RECEIPT_UPLOAD_MAX_BYTES,
      verifier: deps.verifier,
      sign,
      subgraphSecret: config.SUBGRAPH_SECRET,
      clientAddress,
      logger,
    }),
  );

  // A request's verified viewer, once: refuseSpentCallers needs it before the body is parsed,
  // and the context after (verifying a token looks its session up in the database).
  const viewers = new WeakMap<Request, Promise<Viewer | null>>();
  const viewerOf = (req: Request): Promise<Viewer | null> => {
    let viewer = viewers.get(req);
    if (!viewer) {
      viewer = authenticateHttpRequest(req.header('authorization'), deps.verifier);
      viewers.set(req, viewer);
    }
    return viewer;
  };

  /** Who spends a budget: undefined for a token that does not verify (Apollo answers it 401). */
  const callerOf = async (req: Request): Promise<Caller | undefined> => {
    const viewer = await viewerOf(req).catch(() => undefined);
    return viewer === undefined ? undefined : { userId: viewer?.userId, clientIp: clientAddress(req) };
  };
  const inFlightLimits = {
    signedIn: config.MAX_IN_FLIGHT_PER_USER,
    anonymous: config.MAX_IN_FLIGHT_PER_ADDRESS,
    maxQueued: config.MAX_QUEUED_PER_CALLER,
    maxWaitMs: config.IN_FLIGHT_MAX_WAIT_MS,
  };

  /** The context of one HTTP request: its request id (echoed), verified viewer and address. */
  const contextOf = async (req: Request, res: Response): Promise<GatewayContext> => {
    const incomingId = req.header('x-request-id');
    const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('x-request-id', requestId);
    const authorization = req.header('authorization');
    const viewer = await viewerOf(req);
    return {
      viewer,
      ...viewerIdentity(viewer, authorization, sign),
      requestId,
      clientIp: clientAddress(req),
    };
  };

  // CSV downloads of the tabular reports, run as GraphQL operations with the caller's token.
  app.use('/reports', reportExports({ apollo, contextOf, logger }));

  app.use(
    '/graphql',
    // First, so the request's span covers its wait in flight and its session check.
    ...(deps.tracing ? [serverSpans(deps.tracing)] : []),
    limitInFlight(inFlightLimits, callerOf),
    refuseSpentCallers(rate, callerOf),
    express.json({ limit: config.MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, res) }),
  );
  app.use(bodyErrorHandler(config.MAX_BODY_BYTES, logger));

  return {
    app,
    get upstreamSubscriptions() {
      return subscriptions.upstreamSubscriptions;
    },
    get deduplicatedFetches() {
      return [...clients.byName().values()].reduce((sum, client) => sum + client.deduplicated, 0);
    },
    listen: (port, host) =>
      listenHttp(httpServer, {
        port,
        host,
        logger,
        // Closes WebSocket clients with 1001 and the upstream subscriptions, then drains the
        // HTTP server (the drain plugin) and stops the gateway.
        stop: async () => {
          await subscriptions.stop();
          await apollo.stop();
          await clients.close();
        },
        fields: { subgraphs: subgraphs.map((s) => s.name) },
      }),
  };
}
