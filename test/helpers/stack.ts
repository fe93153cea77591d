import { readFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { createGateway } from '../../gateway/src/server';
import { remoteJwks, staticKeys } from '../../shared/auth/jwks';
import {
  generateStoredKey,
  generateStoredSigningKey,
  loadSigningKeys,
  toPublicJwk,
  type SigningKey,
} from '../../shared/auth/keys';
import { prismaSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier } from '../../shared/auth/tokens';
import { loadConfig, supportSettings } from '../../shared/config';
import { createPrisma, type Db } from '../../shared/db';
import type { Worker } from '../../shared/events/bus';
import { createLogger } from '../../shared/logger';
import type { RunningServer, SubgraphDeps, SubgraphServer } from '../../shared/subgraph';
import { loadQrSigningKeys } from '../../subgraphs/tickets/src/domain/qr';
import { createServer as createOrdersServer } from '../../subgraphs/orders/src/server';
import { startWorkers as startOrdersWorkers } from '../../subgraphs/orders/src/workers';
import { createServer as createTicketsServer } from '../../subgraphs/tickets/src/server';
import { startWorkers as startTicketsWorkers } from '../../subgraphs/tickets/src/workers';
import { createServer as createSupportServer } from '../../subgraphs/support/src/server';
import { startWorkers as startSupportWorkers } from '../../subgraphs/support/src/workers';
import { createServer as createUsersServer } from '../../subgraphs/users/src/server';
import { startWorkers as startUsersWorkers } from '../../subgraphs/users/src/workers';
import { createTestDatabase } from './db';

export const TOKEN_SETTINGS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };

/** Ticket QR signing keys of every test stack (tests forge codes with keys of their own). */
const TEST_QR_KEYS = loadQrSigningKeys({ json: JSON.stringify([generateStoredKey('ed25519')]) });

/**
 * The subgraphs besides users, as their entries start them: the GraphQL server and the
 * process's event workers (outbox relay, consumers). A new subgraph is one line here.
 */
const SUBGRAPHS: Record<
  string,
  { createServer(deps: SubgraphDeps): Promise<SubgraphServer>; startWorkers?(deps: SubgraphDeps): Worker[] }
> = {
  tickets: {
    createServer: (deps) => createTicketsServer({ ...deps, qrKeys: TEST_QR_KEYS }),
    startWorkers: startTicketsWorkers,
  },
  orders: { createServer: createOrdersServer, startWorkers: startOrdersWorkers },
  support: {
    createServer: (deps) =>
      createSupportServer({ ...deps, settings: supportSettings(loadConfig({ NODE_ENV: 'test' })) }),
    startWorkers: startSupportWorkers,
  },
};

/** The event workers of every subgraph, users included (its server is started apart: it needs the signing keys). */
const WORKERS: Record<string, (deps: SubgraphDeps) => Worker[]> = {
  users: startUsersWorkers,
  ...Object.fromEntries(
    Object.entries(SUBGRAPHS).map(([name, s]) => [name, (deps: SubgraphDeps) => s.startWorkers?.(deps) ?? []]),
  ),
};

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
  redis?: Redis;
  /** The Redis stream this stack's events travel on (when `redis` is set). */
  eventStream: string;
  signingKeys: SigningKey[];
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
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; url?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
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
}

/**
 * The real thing on a database of its own: every subgraph and the gateway on free ports, the
 * gateway fetching the users subgraph's JWKS over HTTP like in production, event workers on.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase();
  let sqlQueries = 0;
  const db = createPrisma({
    databaseUrl: database.url,
    connectTimeoutMs: 5000,
    poolMax: options.poolMax ?? 10,
    onQuery: () => void sqlQueries++,
  });
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
  const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
  const logger = createLogger('test', 'silent');
  // Test files run in parallel against one Redis: each stack gets its own stream.
  const eventStream = `test-events-${path.basename(database.url)}`;
  const sessions = prismaSessionLookup(db);
  const deps: SubgraphDeps = {
    db,
    redis,
    eventStream,
    logger,
    verifier: createTokenVerifier({ ...TOKEN_SETTINGS, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions }),
    exposeErrorDetails: false,
    introspection: true,
    now: options.now,
  };

  const subgraphs: Record<string, RunningServer> = {
    users: await (await createUsersServer({ ...deps, signingKeys, tokens: TOKEN_SETTINGS })).listen(0, '127.0.0.1'),
  };
  /** The running workers of each subgraph (absent: stopped). */
  const workers = new Map<string, Worker[]>();
  const namesOf = (subgraph?: string) => {
    if (subgraph !== undefined && !WORKERS[subgraph]) throw new Error(`no subgraph ${subgraph} with workers`);
    return subgraph === undefined ? Object.keys(WORKERS) : [subgraph];
  };
  const startWorkers = (subgraph?: string) => {
    for (const name of namesOf(subgraph)) {
      if (!workers.has(name)) workers.set(name, WORKERS[name]!(deps));
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
  startWorkers('users');
  for (const [name, subgraph] of Object.entries(SUBGRAPHS)) {
    subgraphs[name] = await (await subgraph.createServer(deps)).listen(0, '127.0.0.1');
    startWorkers(name);
  }
  const users = subgraphs.users!;

  const startGateway = async (routes: Record<string, RunningServer>): Promise<RunningServer> => {
    const config = loadConfig({
      NODE_ENV: options.nodeEnv ?? 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      JWKS_URL: `${users.url.replace(/\/graphql$/, '')}/.well-known/jwks.json`,
      ...Object.fromEntries(Object.entries(routes).map(([name, s]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, s.url])),
      ...(options.nodeEnv === 'production' ? { SUBGRAPH_SECRET: 'test-secret-0123456789' } : {}),
    });
    const gatewayServer = await createGateway({
      config,
      db,
      logger,
      verifier: createTokenVerifier({ ...TOKEN_SETTINGS, keys: remoteJwks(config.JWKS_URL), sessions }),
      supergraphSdl: readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8'),
    });
    return gatewayServer.listen(0, '127.0.0.1');
  };
  const gateway = await startGateway(subgraphs);
  /** What `startReplica` started, stopped first by `stop()`. */
  const replicas: { stop(): Promise<void> }[] = [];

  return {
    db,
    redis,
    eventStream,
    signingKeys,
    gateway,
    users,
    subgraphs,
    sqlQueryCount: () => sqlQueries,
    stopWorkers,
    startWorkers,
    async startReplica(name) {
      const entry = SUBGRAPHS[name];
      if (!entry) throw new Error(`no subgraph ${name} to replicate`);
      const replicaRedis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
      const replicaDeps: SubgraphDeps = { ...deps, redis: replicaRedis };
      const subgraph = await (await entry.createServer(replicaDeps)).listen(0, '127.0.0.1');
      const replicaWorkers = entry.startWorkers?.(replicaDeps) ?? [];
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
      return { status: response.status, ...body } as GraphQLResponse<any>;
    },
    async stop() {
      for (const replica of replicas) await replica.stop();
      await gateway.stop();
      await stopWorkers();
      for (const s of Object.values(subgraphs)) await s.stop();
      redis?.disconnect();
      await db.$disconnect();
      await database.drop();
    },
  };
}
