import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../shared/auth/keys';
import { postgresSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier, type Role, type Viewer } from '../../shared/auth/tokens';
import { createPrisma, poolOf, type Db } from '../../shared/db';
import { createLogger } from '../../shared/logger';
import type { SubgraphServer } from '../../shared/subgraph';
import { createTestDatabase } from './db';
import type { OperationData } from './stack';
import { TOKEN_SETTINGS, subgraphFactory, type SubgraphName, type TestSubgraphDeps } from './services';

/**
 * The subgraph tier: ONE subgraph in process on a database of its own, operations run through
 * its whole schema (shield, `_entities` reference rules, error masking) with `execute`, no HTTP
 * and no gateway. Other domains are simulated the way they really reach this one: rows of
 * their events in the outbox (`emit`), delivered by this subgraph's own workers when
 * `workers: true`.
 *
 *   const sg = await startSubgraph('tickets');
 *   afterAll(() => sg.stop());
 *   const res = await sg.execute(`{ events { totalCount } }`, {}, sg.viewer('ORGANIZER'));
 */
export type { SubgraphName };

export interface ExecuteResult<T> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface InProcessSubgraph {
  db: Db;
  /** The test database's URL (for a process of the subgraph's own, or another client). */
  databaseUrl: string;
  deps: TestSubgraphDeps;
  server: SubgraphServer;
  execute<T = OperationData>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer | null,
  ): Promise<ExecuteResult<T>>;
  /** A verified viewer with these roles (a fresh user id unless `userId` is given). */
  viewer(roles?: Role | Role[], userId?: string): Viewer;
  /** Starts the subgraph's event workers (again, after `stopWorkers`: a restarted process). */
  startWorkers(): void;
  /** Stops them, as if the process died; the server keeps answering. */
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartSubgraphOptions {
  /** Start the event workers at once (default: no; `startWorkers()` later). */
  workers?: boolean;
  now?: () => Date;
  /** Connections in the pool (default 10): concurrency tests want more. */
  poolMax?: number;
  exposeErrorDetails?: boolean;
  /** Deps of the subgraph's own (e.g. `settings`), instead of their test defaults. */
  deps?: Record<string, unknown>;
}

export async function startSubgraph(
  name: SubgraphName,
  options: StartSubgraphOptions = {},
): Promise<InProcessSubgraph> {
  const database = await createTestDatabase();
  const db = createPrisma({ databaseUrl: database.url, connectTimeoutMs: 5000, poolMax: options.poolMax });
  const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
  const deps: TestSubgraphDeps = {
    ...options.deps,
    db,
    signingKeys,
    logger: createLogger(`test-${name}`, 'silent'),
    verifier: createTokenVerifier({
      ...TOKEN_SETTINGS,
      keys: staticKeys(signingKeys.map(toPublicJwk)),
      sessions: postgresSessionLookup(poolOf(db)),
    }),
    exposeErrorDetails: options.exposeErrorDetails ?? false,
    introspection: true,
    now: options.now,
  };
  const factory = await subgraphFactory(name);
  const server = await factory.createServer(deps);
  let workers = options.workers ? factory.startWorkers(deps) : [];
  const stopWorkers = async () => {
    const running = workers;
    workers = [];
    await Promise.all(running.map((w) => w.stop()));
  };
  return {
    db,
    databaseUrl: database.url,
    deps,
    server,
    async execute<T>(query: string, variables?: Record<string, unknown>, viewer: Viewer | null = null) {
      return (await server.execute({ query, variables, viewer })) as ExecuteResult<T>;
    },
    viewer(roles: Role | Role[] = 'CUSTOMER', userId: string = randomUUID()) {
      return {
        userId,
        roles: Array.isArray(roles) ? roles : [roles],
        sessionId: randomUUID(),
        expiresAt: new Date(Date.now() + 15 * 60_000),
      };
    },
    startWorkers() {
      if (workers.length === 0) workers = factory.startWorkers(deps);
    },
    stopWorkers,
    async stop() {
      await stopWorkers();
      await db.$disconnect();
      await database.drop();
    },
  };
}
