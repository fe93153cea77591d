import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import { createGateway } from '../../gateway/src/server';
import { remoteJwks, staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk, type SigningKey } from '../../shared/auth/keys';
import { credentialVerifier, generateCredentialKeys, loadCredentialPublicKey } from '../../shared/auth/credential';
import { postgresSessionChanges } from '../../shared/auth/session-changes';
import { postgresSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier, type SessionLookup } from '../../shared/auth/tokens';
import { loadConfig } from '../../shared/config';
import { createPrisma, poolOf, type Db } from '../../shared/db';
import type { Worker } from '../../shared/events/bus';
import { postgresWakeups } from '../../shared/events/wakeups';
import { createLogger } from '../../shared/logger';
import { createRedis } from '../../shared/redis';
import { startMailbox, type Mailbox } from '../../shared/mail/mailbox';
import { startTracing, type Tracing } from '../../shared/tracing';
import { JWKS_ISSUER, SUBGRAPH_NAMES, subgraphUrlVariable, type SubgraphName } from '../../shared/services';
import type { RunningServer } from '../../shared/subgraph';
import type { MailSettings } from '../../subgraphs/notifications/src/settings';
import { createTestDatabase, type TemplateServer } from './db';
import type { LoginLimits } from '../../subgraphs/users/src/domain/auth-service';
import { TOKEN_SETTINGS, subgraphFactory, testMailSettings, type TestSubgraphDeps } from './services';

export { TOKEN_SETTINGS };

/**
 * The data of an operation a test reads field by field (`res.data.users.totalCount`): typing
 * each query's result would only restate the query, and a wrong path fails the assertion.
 */
export type OperationData = Record<string, any>;

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: { code?: string; field?: string } & Record<string, unknown>;
  }[];
}

export interface Stack {
  db: Db;
  /** The URL of the stack's database (for scripts a test runs as processes). */
  databaseUrl: string;
  redis?: Redis;
  /** The Redis stream this stack's events travel on (when `redis` is set). */
  eventStream: string;
  signingKeys: SigningKey[];
  /**
   * The private half of the viewer credential key pair the subgraphs trust
   * (VIEWER_CREDENTIAL_SIGNING_KEY), for a gateway the caller runs in a process of its own.
   */
  credentialSigningKey: string;
  /**
   * The stack's SMTP server (the development mailbox, shared/mail/mailbox.ts), where
   * notifications sends every mail: `messages()` reads what arrived. Stop it to take SMTP
   * down; `restartMailbox()` brings it back on the same port.
   */
  mailbox: Mailbox;
  restartMailbox(): Promise<Mailbox>;
  /** With `tracing`: exports the spans every service of the stack has buffered, now. */
  flushTraces(): Promise<void>;
  gateway: RunningServer;
  users: RunningServer;
  /** Every subgraph by name, users included. */
  subgraphs: Record<string, RunningServer>;
  /** POSTs an operation to the gateway (or another GraphQL URL) and returns status and body. */
  /**
   * SQL statements run through `db` (every subgraph, the gateway and the workers share it)
   * since the stack started: read it before and after something to count its queries. Stop
   * the workers first (`stopWorkers()`), or their polling counts too.
   */
  sqlQueryCount(): number;
  /**
   * The SQL statements (text and parameters, in the order they ran) that `db` ran while
   * `body` did, e.g. to replay what one request issues from a bare client. Stop the workers
   * first, as for `sqlQueryCount`.
   */
  captureSql<T>(body: () => Promise<T>): Promise<{ result: T; statements: SqlStatement[] }>;
  /**
   * Session lookups (`users.sessions` reads of a token check) by any service of the stack
   * since it started: through the gateway, one per request whatever its subgraph fetches.
   */
  sessionLookupCount(): number;
  /**
   * Stops the event workers (outbox relay, consumers, pollers) of one subgraph, or of every
   * subgraph when no name is given, as if that process died: its GraphQL server keeps serving.
   * Waits for a pass in progress to end.
   */
  stopWorkers(subgraph?: string): Promise<void>;
  /** Starts the stopped workers again, as a restarted process would (new consumer instances). */
  startWorkers(subgraph?: string): void;
  /**
   * Another instance of `subgraph` and another gateway routing to it (the other subgraphs are
   * shared), as a second deployment replica would run: same database, and with `redisUrl` the
   * same Redis through a client of its own, so realtime events between the two instances
   * cross Redis as they do between processes. The instance runs its event workers too. Both
   * stop with the stack.
   */
  startReplica(subgraph: string): Promise<{ gateway: RunningServer; subgraph: RunningServer }>;
  gql<T = OperationData>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; url?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A statement as node-postgres ran it: `$1`-style placeholders, their values, and the rows it affected. */
export interface SqlStatement {
  query: string;
  params: unknown[];
  rowCount: number | null;
}

export interface StackOptions {
  nodeEnv?: 'test' | 'production' | 'development';
  /** Deliver events through this Redis (Streams) instead of the Postgres outbox reader. */
  redisUrl?: string;
  now?: () => Date;
  /**
   * Connections in the one pool every in-process service shares (default 10). Deployed, each
   * service has a pool of its own; benchmarks pass about that total.
   */
  poolMax?: number;
  /** users' limits across accounts and addresses (relaxed by default: see test/helpers/services.ts). */
  loginLimits?: LoginLimits;
  /**
   * The gateway's cost per caller per minute (MAX_QUERY_COST_PER_MINUTE and _ANONYMOUS). Test
   * files send far more than a person would from one address, so unlimited unless given.
   */
  costPerMinute?: { signedIn: number; anonymous: number };
  /** The gateway's requests in flight per caller (MAX_IN_FLIGHT_PER_USER and the rest; defaults otherwise). */
  inFlight?: { perUser: number; perAddress: number; maxQueued: number; maxWaitMs: number };
  /** The gateway's TRUST_PROXY (none by default: the gateway is the edge). */
  trustProxy?: string;
  /**
   * A subgraph secret for the gateway and every subgraph: subgraphs then refuse callers without
   * it and believe the client address the gateway forwards. Production stacks always have one.
   */
  subgraphSecret?: string;
  /** Clone the stack's database on this server instead of the run's (a fault test's own Postgres). */
  postgres?: TemplateServer;
  /**
   * `false`: the event workers poll every 100 ms instead of being woken by Postgres
   * notifications (to compare the two; the services always have wake-ups).
   */
  wakeups?: boolean;
  /**
   * Traces on: every service of the stack exports to this OTLP/HTTP endpoint (its
   * OTEL_EXPORTER_OTLP_ENDPOINT) under its own `service.name`, the gateway's provider global.
   */
  tracing?: { endpoint: string };
}

/**
 * The real thing on a database of its own: every subgraph and the gateway on free ports, the
 * gateway fetching the users subgraph's JWKS over HTTP like in production, event workers on.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase(options.postgres);
  let sqlQueries = 0;
  const db = createPrisma({
    databaseUrl: database.url,
    connectTimeoutMs: 5000,
    poolMax: options.poolMax ?? 10,
    onQuery: () => void sqlQueries++,
    traced: options.tracing !== undefined,
  });
  let captured: SqlStatement[] | undefined;
  // Below Prisma, where its transactions' BEGIN is visible too (its query log leaves it out).
  poolOf(db).on('connect', (client) => {
    const query = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => unknown;
    Object.assign(client, {
      query: (config: unknown, ...rest: unknown[]) => {
        const result = query(config, ...rest);
        const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
        if (captured && typeof text === 'string') {
          const statement: SqlStatement = {
            query: text,
            params: Array.isArray(rest[0]) ? rest[0] : ((config as { values?: unknown[] }).values ?? []),
            rowCount: null,
          };
          captured.push(statement);
          if (result instanceof Promise) {
            void result.then(
              (r: { rowCount?: number | null }) => (statement.rowCount = r.rowCount ?? null),
              () => undefined,
            );
          }
        }
        return result;
      },
    });
  });
  const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
  const logger = createLogger('test', 'silent');
  const redis = options.redisUrl ? createRedis(options.redisUrl, logger) : undefined;
  // Test files run in parallel against one Redis: each stack gets its own stream.
  const eventStream = `test-events-${path.basename(database.url)}`;
  const lookup = postgresSessionLookup(poolOf(db));
  let sessionLookups = 0;
  // Every service of the stack checks sessions through this one hook, so it counts them all.
  const sessions: SessionLookup = (sessionId, userId) => {
    sessionLookups++;
    return lookup(sessionId, userId);
  };
  // As npm start does: a pair per run, the private half for the gateway only.
  const credentialKeys = generateCredentialKeys();
  // One LISTEN connection for the stack's workers, as each service process has its own.
  const wakeups = options.wakeups === false ? undefined : postgresWakeups(database.url, logger);
  const mailDir = mkdtempSync(path.join(os.tmpdir(), 'mailbox-'));
  let mailbox = await startMailbox({ dir: mailDir });
  const deps: TestSubgraphDeps & { mail: MailSettings } = {
    mail: testMailSettings(mailbox.url),
    db,
    signingKeys,
    redis,
    eventStream,
    wakeups,
    logger,
    verifier: createTokenVerifier({ ...TOKEN_SETTINGS, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions }),
    credentials: credentialVerifier(loadCredentialPublicKey(credentialKeys.publicKey)),
    refuseUserTokens: options.nodeEnv === 'production',
    exposeErrorDetails: false,
    introspection: true,
    now: options.now,
    subgraphSecret: options.subgraphSecret,
    // Present only when given: what deps carry wins over the test extras (services.ts).
    ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
  };

  const otelEnv = options.tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.tracing.endpoint } : {};
  const tracings: Tracing[] = [];
  /** A service's tracing (undefined when the stack has none), stopped with the stack. */
  const tracingOf = (service: string, global = false): Tracing | undefined => {
    const tracing = startTracing(loadConfig({ NODE_ENV: 'test', ...otelEnv }), service, { global });
    if (tracing) tracings.push(tracing);
    return tracing;
  };
  // Built once: the gateway's is the process's global provider, which replicas share.
  const gatewayTracing = tracingOf('gateway', true);

  const factories = new Map(
    await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await subgraphFactory(name)] as const)),
  );
  const subgraphs: Record<string, RunningServer> = {};
  /** The running workers of each subgraph (absent: stopped). */
  const workers = new Map<SubgraphName, Worker[]>();
  const namesOf = (subgraph?: string): readonly SubgraphName[] => {
    if (subgraph === undefined) return SUBGRAPH_NAMES;
    if (!isSubgraphName(subgraph)) throw new Error(`no subgraph ${subgraph}`);
    return [subgraph];
  };
  const startWorkers = (subgraph?: string) => {
    for (const name of namesOf(subgraph)) {
      if (!workers.has(name)) workers.set(name, factories.get(name)!.startWorkers(deps));
    }
  };
  const stopWorkers = async (subgraph?: string) => {
    await Promise.all(
      namesOf(subgraph).map(async (name) => {
        const running = workers.get(name);
        workers.delete(name);
        await Promise.all((running ?? []).map((w) => w.stop()));
      }),
    );
  };
  // In registry order: the JWKS issuer (users) first, as in production.
  for (const name of SUBGRAPH_NAMES) {
    const server = await factories.get(name)!.createServer({ ...deps, tracing: tracingOf(name) });
    subgraphs[name] = await server.listen(0, '127.0.0.1');
    startWorkers(name);
  }
  const users = subgraphs[JWKS_ISSUER.name]!;

  const startGateway = async (routes: Record<string, RunningServer>): Promise<RunningServer> => {
    const sessionChanges = postgresSessionChanges(database.url, logger);
    const config = loadConfig({
      NODE_ENV: options.nodeEnv ?? 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      MAILBOX_DIR: mailDir,
      ...otelEnv,
      JWKS_URL: `${users.url.replace(/\/graphql$/, '')}/.well-known/jwks.json`,
      ...Object.fromEntries(Object.entries(routes).map(([name, s]) => [subgraphUrlVariable(name), s.url])),
      ...(options.nodeEnv === 'production' ? { SUBGRAPH_SECRET: 'test-secret-0123456789' } : {}),
      ...(options.subgraphSecret ? { SUBGRAPH_SECRET: options.subgraphSecret } : {}),
      ...(options.trustProxy ? { TRUST_PROXY: options.trustProxy } : {}),
      VIEWER_CREDENTIAL_SIGNING_KEY: credentialKeys.signingKey,
      MAX_QUERY_COST_PER_MINUTE: String(options.costPerMinute?.signedIn ?? Number.MAX_SAFE_INTEGER),
      MAX_QUERY_COST_PER_MINUTE_ANONYMOUS: String(options.costPerMinute?.anonymous ?? Number.MAX_SAFE_INTEGER),
      ...(options.inFlight
        ? {
            MAX_IN_FLIGHT_PER_USER: String(options.inFlight.perUser),
            MAX_IN_FLIGHT_PER_ADDRESS: String(options.inFlight.perAddress),
            MAX_QUEUED_PER_CALLER: String(options.inFlight.maxQueued),
            IN_FLIGHT_MAX_WAIT_MS: String(options.inFlight.maxWaitMs),
          }
        : {}),
    });
    const gatewayServer = await createGateway({
      config,
      pool: poolOf(db),
      logger,
      verifier: createTokenVerifier({ ...TOKEN_SETTINGS, keys: remoteJwks(config.JWKS_URL), sessions }),
      sessionChanges,
      tracing: gatewayTracing,
      supergraphSdl: readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8'),
    });
    const running = await gatewayServer.listen(0, '127.0.0.1');
    return {
      ...running,
      async stop() {
        await running.stop();
        await sessionChanges.close();
      },
    };
  };
  const gateway = await startGateway(subgraphs);
  /** What `startReplica` started, stopped first by `stop()`. */
  const replicas: { stop(): Promise<void> }[] = [];

  return {
    db,
    databaseUrl: database.url,
    redis,
    eventStream,
    signingKeys,
    credentialSigningKey: credentialKeys.signingKey,
    get mailbox() {
      return mailbox;
    },
    async restartMailbox() {
      mailbox = await startMailbox({ dir: mailDir, port: mailbox.port });
      return mailbox;
    },
    async flushTraces() {
      await Promise.all(tracings.map((t) => t.flush()));
    },
    gateway,
    users,
    subgraphs,
    sqlQueryCount: () => sqlQueries,
    async captureSql(body) {
      const statements: SqlStatement[] = [];
      captured = statements;
      try {
        return { result: await body(), statements };
      } finally {
        captured = undefined;
      }
    },
    sessionLookupCount: () => sessionLookups,
    stopWorkers,
    startWorkers,
    async startReplica(name) {
      if (!isSubgraphName(name)) throw new Error(`no subgraph ${name} to replicate`);
      const factory = factories.get(name)!;
      const replicaRedis = options.redisUrl ? createRedis(options.redisUrl, logger) : undefined;
      const replicaDeps: TestSubgraphDeps = { ...deps, redis: replicaRedis };
      const subgraph = await (await factory.createServer(replicaDeps)).listen(0, '127.0.0.1');
      const replicaWorkers = factory.startWorkers(replicaDeps);
      const replicaGateway = await startGateway({ ...subgraphs, [name]: subgraph });
      replicas.push({
        async stop() {
          await replicaGateway.stop();
          await Promise.all(replicaWorkers.map((w) => w.stop()));
          await subgraph.stop();
          replicaRedis?.disconnect();
        },
      });
      return { gateway: replicaGateway, subgraph };
    },
    async gql(query, variables, opts = {}) {
      const response = await fetch(opts.url ?? gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      // The caller names the type of the data it asked for.
      return { status: response.status, ...body } as GraphQLResponse<never>;
    },
    async stop() {
      for (const replica of replicas) await replica.stop();
      await gateway.stop();
      await stopWorkers();
      await wakeups?.close();
      for (const s of Object.values(subgraphs)) await s.stop();
      await mailbox.stop();
      redis?.disconnect();
      await db.$disconnect();
      await database.drop();
      await Promise.all(tracings.map((t) => t.shutdown()));
    },
  };
}

function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}
