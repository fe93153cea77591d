import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express, { type Express, type Request } from 'express';
import {
  isObjectType,
  parse,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { shield, type IRules } from 'graphql-shield';
import { allow, denialError, deny, type AuthContext } from './auth/rules';
import { secretMatches } from './auth/secret';
import { CREDENTIAL_HEADER, viewerOfCall, type CredentialVerifier } from './auth/credential';
import { refusedWith401, type TokenVerifier, type Viewer } from './auth/tokens';
import { ErrorCode, createErrorFormatter } from './errors';
import { poolOf, type Db } from './db';
import { checkDatabase } from './pg';
import type Redis from 'ioredis';
import type { Wakeups } from './events/wakeups';
import { listenHttp, type RunningServer } from './http';
import type { Logger } from './logger';
import { mapAsyncIterator, pubsubFor, type PubSub } from './realtime/pubsub';
import { serveSubgraphSubscriptions } from './realtime/subgraph-ws';
import { inputGuardPlugin } from './input-guard';
import { metricsRoute, type MetricsAccess } from './metrics';
import { accessLogging, unexpectedErrorLogging } from './request-logging';
import { operationSpanNaming, serverSpans, type Tracing } from './tracing';

/** Said by a reference rule: may this caller resolve this entity reference? */
export type ReferenceRule<TContext> = (reference: Record<string, unknown>, ctx: TContext) => boolean | Promise<boolean>;

/**
 * What every subgraph's `createServer(deps)` receives (users adds its signing keys). The entry
 * builds these from the config; tests build them around a database of their own.
 */
export interface SubgraphDeps {
  db: Db;
  /** Present when REDIS_URL is set: events then travel through Redis Streams. */
  redis?: Redis;
  /** The Redis stream of domain events (`EVENT_STREAM`); tests give each stack its own. */
  eventStream?: string;
  /** The process's one Postgres LISTEN connection waking its event workers (shared/events/wakeups.ts). */
  wakeups?: Wakeups;
  /** Verifies a user's own access token (token and session), for calls that come without a credential. */
  verifier: TokenVerifier;
  /** Checks the gateway's viewer credential (`x-viewer-credential`); absent without VIEWER_CREDENTIAL_PUBLIC_KEY. */
  credentials?: CredentialVerifier;
  /** Refuse a user's own token (production): only the gateway's credential names a viewer. */
  refuseUserTokens?: boolean;
  logger: Logger;
  subgraphSecret?: string;
  exposeErrorDetails: boolean;
  introspection: boolean;
  /** The clock, replaceable in tests. */
  now?: () => Date;
  /** Who may read `/metrics` (shared/metrics.ts); absent: open, as in development. */
  metrics?: MetricsAccess;
  /** This service's traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (shared/tracing.ts); absent: off. */
  tracing?: Tracing;
}

/** What every request context starts with; each subgraph adds its loaders and services. */
export interface RequestContext extends AuthContext {
  requestId: string;
  /** The service's logger with this request's id on every line. */
  log: Logger;
  /** The client's address, as the gateway saw it (for rate limits). */
  clientIp: string;
  /** Realtime events: subscription resolvers subscribe here, services publish after commit. */
  pubsub: PubSub;
}

export interface SubgraphOptions<TContext extends RequestContext> {
  name: string;
  typeDefs: string;
  /** The subgraph's resolver map (its generated `Resolvers` type checks the shapes). */
  resolvers: object;
  /** graphql-shield rule tree; anything without a rule is denied. */
  permissions: IRules;
  /**
   * A rule for every entity type's `__resolveReference`. A subgraph that defines a reference
   * resolver without a rule here fails at start: `_entities` is deny-by-default too.
   */
  referenceRules: Record<string, ReferenceRule<TContext>>;
  /** The shared dependencies: database, Redis, verifier, logger, secret, flags. */
  deps: SubgraphDeps;
  createContext(base: RequestContext): TContext | Promise<TContext>;
  /** Readiness: resolves when the service's dependencies answer. Default: its database. */
  ready?(): Promise<void>;
  /** Extra HTTP routes (e.g. the JWKS), mounted before GraphQL. */
  routes?(app: Express): void;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Where subscription events travel. Default: `pubsubFor(deps)` (tests inject their own). */
  pubsub?: PubSub;
  /**
   * Renews the per-request caches of a subscription's context (its DataLoaders) before each
   * event: one context serves every event of a subscription, and an event resolved from the
   * previous event's cached rows would be stale.
   */
  renewContext?(ctx: TContext): void;
}

export type { RunningServer };

/** One operation run in process (`execute`), as the subgraph's tests use it. */
export interface InProcessOperation {
  query: string;
  variables?: Record<string, unknown>;
  /** Who asks: a verified viewer (the session check is the HTTP layer's, not exercised here). */
  viewer?: Viewer | null;
  clientIp?: string;
}

export interface SubgraphServer {
  app: Express;
  listen(port: number, host?: string): Promise<RunningServer>;
  /**
   * Runs one operation through the whole schema (shield, reference rules, error formatting)
   * without HTTP: Apollo's `executeOperation` with the context this subgraph builds per request.
   */
  execute(
    operation: InProcessOperation,
  ): Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }>;
}

/**
 * Wraps each `__resolveReference` with its reference rule. Shield only guards fields, and
 * `__resolveReference` is not a field, so this is where `_entities` gets its per-type check.
 */
function guardReferences<TContext extends RequestContext>(
  resolvers: object,
  rules: Record<string, ReferenceRule<TContext>>,
): GraphQLResolverMap<unknown> {
  const guarded: GraphQLResolverMap<unknown> = { ...(resolvers as GraphQLResolverMap<unknown>) };
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const resolveReference = (typeResolvers as { __resolveReference?: GraphQLFieldResolver<unknown, TContext> })
      .__resolveReference;
    if (!resolveReference) continue;
    const rule = rules[typeName];
    if (!rule) throw new Error(`${typeName}.__resolveReference has no reference rule`);
    guarded[typeName] = {
      ...typeResolvers,
      __resolveReference: async (reference: Record<string, unknown>, ctx: TContext, info: unknown) => {
        if (!(await rule(reference, ctx))) throw denialError(undefined, reference, {}, ctx);
        return (resolveReference as unknown as (r: unknown, c: TContext, i: unknown) => unknown)(reference, ctx, info);
      },
    } as GraphQLResolverMap<unknown>[string];
  }
  return guarded;
}

/**
 * The client's address: the gateway's `x-forwarded-for` when the caller proved to be the
 * gateway (a subgraph secret is configured, and `/graphql` refuses every request
 * without it); otherwise the socket's peer. Without a secret anyone could name any address and
 * walk past per-address limits with a new one per attempt.
 */
function clientIpOf(req: Request, subgraphSecret: string | undefined): string {
  const forwarded = subgraphSecret ? req.header('x-forwarded-for') : undefined;
  return forwarded?.split(',')[0]!.trim() || (req.socket.remoteAddress ?? 'unknown');
}

/**
 * The schema with shield's rules on every field, denying what has none. Fields of object types
 * whose rule is plainly `allow` then get their own resolver back: shield's wrapper would only
 * say yes, but it makes every such field a promise, and a page of 100 rows has hundreds of
 * them (about half a GraphQL read's time). Root fields keep the wrapper whatever their rule.
 */
export function shieldedSchema(base: GraphQLSchema, permissions: IRules): GraphQLSchema {
  const own = new Map<string, GraphQLFieldResolver<unknown, unknown> | undefined>();
  for (const type of objectTypes(base))
    for (const field of Object.values(type.getFields())) own.set(`${type.name}.${field.name}`, field.resolve);
  const schema = applyMiddleware(
    base,
    shield(permissions, {
      fallbackRule: deny,
      // Domain errors thrown by resolvers reach the client with their codes; others are masked.
      allowExternalErrors: true,
      fallbackError: denialError as never,
    }),
  );
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const rules = permissions as Record<string, unknown>;
  for (const type of objectTypes(schema)) {
    if (roots.has(type)) continue;
    const typeRule = rules[type.name];
    for (const field of Object.values(type.getFields())) {
      // A type's entry is a rule (a class instance) or a plain map of field rules.
      const rule = isPlainObject(typeRule) ? (typeRule[field.name] ?? typeRule['*']) : typeRule;
      if (rule === allow) field.resolve = own.get(`${type.name}.${field.name}`);
    }
  }
  return schema;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

const objectTypes = (schema: GraphQLSchema) =>
  Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'),
  );

type FieldResolver = (
  source: unknown,
  args: Record<string, unknown>,
  ctx: unknown,
  info: GraphQLResolveInfo,
) => unknown;
type SubscriptionResolver = { subscribe: FieldResolver; resolve?: FieldResolver };

/**
 * Folds each subscription field's `resolve` into its `subscribe`. graphql-middleware wraps a
 * field's `subscribe` only when the field has no `resolve` of its own, so without this shield
 * would check such a field per event but never at subscribe time. Folded, shield guards
 * `subscribe` (a refusal reaches the client at subscribe), and `resolve` still shapes every
 * event (called with the subscribe call's args, context and info).
 *
 * Before each event the context's per-request caches are dropped (shield's rule cache, and
 * whatever `renew` renews), so every event reads current rows. graphql-js asks for the next
 * event only once the previous one was executed, so nothing still uses the old caches.
 */
function foldSubscriptionResolvers(resolvers: object, renew: (ctx: unknown) => void): object {
  const subscription = (resolvers as { Subscription?: Record<string, SubscriptionResolver> }).Subscription;
  if (!subscription) return resolvers;
  const folded: Record<string, SubscriptionResolver> = {};
  for (const [field, { subscribe, resolve }] of Object.entries(subscription)) {
    folded[field] = {
      subscribe: async (source, args, ctx, info) => {
        const events = (await subscribe(source, args, ctx, info)) as AsyncIterator<unknown>;
        const renewing: AsyncIterator<unknown> = {
          next: () => {
            delete (ctx as { _shield?: unknown })._shield;
            renew(ctx);
            return events.next();
          },
          return: async () => (await events.return?.()) ?? { value: undefined, done: true },
        };
        return mapAsyncIterator(renewing, async (payload) =>
          resolve ? { [info.fieldName]: await resolve(payload, args, ctx, info) } : payload,
        );
      },
    };
  }
  return { ...resolvers, Subscription: folded };
}

/**
 * The common shape of every subgraph: schema from SDL, shield permissions, context with the
 * verified viewer, `/health` and `/ready`, the subgraph secret, error masking. `/graphql`
 * also speaks graphql-ws (subscriptions only) for the gateway: see `realtime/subgraph-ws.ts`.
 */
export async function createSubgraphServer<TContext extends RequestContext>(
  options: SubgraphOptions<TContext>,
): Promise<SubgraphServer> {
  const schema = shieldedSchema(
    buildSubgraphSchema({
      typeDefs: parse(options.typeDefs),
      resolvers: guardReferences(
        foldSubscriptionResolvers(options.resolvers, (ctx) => options.renewContext?.(ctx as TContext)),
        options.referenceRules,
      ),
    }),
    options.permissions,
  );

  const { deps } = options;
  // Redis when configured, so events cross instances; the process's in-memory bus otherwise.
  const pubsub = options.pubsub ?? pubsubFor(deps);
  const ready = options.ready ?? (() => checkDatabase(poolOf(deps.db)));
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const subscriptions = serveSubgraphSubscriptions({
    httpServer,
    schema,
    auth: deps,
    subgraphSecret: deps.subgraphSecret,
    exposeErrorDetails: deps.exposeErrorDetails,
    createContext: (base) =>
      options.createContext({ ...base, log: deps.logger.child({ requestId: base.requestId }), pubsub }),
  });
  const apollo = new ApolloServer<TContext>({
    schema,
    introspection: deps.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: deps.exposeErrorDetails,
    formatError: createErrorFormatter(deps.exposeErrorDetails),
    // runService owns shutdown (stop, then release resources); Apollo's handlers would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces would tell any caller how long each resolver took; we don't report to Apollo.
      ApolloServerPluginInlineTraceDisabled(),
      unexpectedErrorLogging<TContext>(deps.logger),
      accessLogging<TContext>(options.name, deps.logger),
      // NUL characters and oversized strings are refused before any resolver sees them.
      inputGuardPlugin<TContext>(),
      ...(deps.tracing ? [operationSpanNaming<TContext>()] : []),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await ready();
      res.json({ status: 'ready', service: options.name });
    } catch (err) {
      deps.logger.warn('not ready', { error: (err as Error).message });
      res.status(503).json({ status: 'unavailable', service: options.name });
    }
  });
  app.get('/metrics', metricsRoute(deps.metrics ?? { token: undefined, isProduction: false }));
  options.routes?.(app);

  app.use(
    '/graphql',
    // The gateway's fetch span is this request's parent (its `traceparent`).
    ...(deps.tracing ? [serverSpans(deps.tracing)] : []),
    (req, res, next) => {
      if (deps.subgraphSecret && !secretMatches(deps.subgraphSecret, req.header('x-subgraph-secret'))) {
        res.status(403).json({ errors: [{ message: 'Forbidden', extensions: { code: ErrorCode.FORBIDDEN } }] });
        return;
      }
      next();
    },
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const viewer = await refusedWith401(() =>
          viewerOfCall({ credential: req.header(CREDENTIAL_HEADER), authorization: req.header('authorization') }, deps),
        );
        const requestId = req.header('x-request-id') ?? randomUUID();
        return options.createContext({
          viewer,
          requestId,
          log: deps.logger.child({ requestId }),
          clientIp: clientIpOf(req, deps.subgraphSecret),
          pubsub,
        });
      },
    }),
  );

  return {
    app,
    async execute({ query, variables, viewer = null, clientIp = '127.0.0.1' }) {
      const requestId = randomUUID();
      const contextValue = await options.createContext({
        viewer,
        requestId,
        log: deps.logger.child({ requestId }),
        clientIp,
        pubsub,
      });
      const response = await apollo.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('execute: incremental delivery is not supported');
      const { data, errors } = response.body.singleResult;
      return { data, errors };
    },
    listen: (port, host) =>
      listenHttp(httpServer, {
        port,
        host,
        logger: deps.logger,
        // WebSocket clients first (closed with 1001), then Apollo drains HTTP.
        stop: async () => {
          await subscriptions.stop();
          await apollo.stop();
        },
      }),
  };
}
