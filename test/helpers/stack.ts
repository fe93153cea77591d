import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createGateway } from '../../gateway/src/server';
import { remoteJwks, staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk, type SigningKey } from '../../shared/auth/keys';
import { prismaSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier } from '../../shared/auth/tokens';
import { loadConfig } from '../../shared/config';
import { createPrisma, type Db } from '../../shared/db';
import { createLogger } from '../../shared/logger';
import type { RunningServer } from '../../shared/subgraph';
import { createServer as createUsersServer } from '../../subgraphs/users/src/server';
import { createTestDatabase } from './db';

export const TOKEN_SETTINGS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string } & Record<string, unknown> }[];
}

export interface Stack {
  db: Db;
  signingKeys: SigningKey[];
  gateway: RunningServer;
  users: RunningServer;
  /** POSTs an operation to the gateway (or another GraphQL URL) and returns status and body. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; url?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * The real thing on a database of its own: the users subgraph and the gateway on free ports,
 * the gateway fetching the users subgraph's JWKS over HTTP like in production.
 */
export async function startStack(options: { nodeEnv?: 'test' | 'production' | 'development' } = {}): Promise<Stack> {
  const database = await createTestDatabase();
  const db = createPrisma({ databaseUrl: database.url, connectTimeoutMs: 5000, poolMax: 5 });
  const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
  const logger = createLogger('test', 'silent');
  const sessions = prismaSessionLookup(db);

  const usersServer = await createUsersServer({
    db,
    signingKeys,
    tokens: TOKEN_SETTINGS,
    verifier: createTokenVerifier({ ...TOKEN_SETTINGS, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions }),
    logger,
    exposeErrorDetails: false,
    introspection: true,
  });
  const users = await usersServer.listen(0, '127.0.0.1');
  const usersBase = users.url.replace(/\/graphql$/, '');

  const config = loadConfig({
    NODE_ENV: options.nodeEnv ?? 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    SUBGRAPH_USERS_URL: users.url,
    JWKS_URL: `${usersBase}/.well-known/jwks.json`,
    ...(options.nodeEnv === 'production' ? { SUBGRAPH_SECRET: 'test-secret-0123456789' } : {}),
  });
  const gatewayServer = await createGateway({
    config,
    db,
    logger,
    verifier: createTokenVerifier({ ...TOKEN_SETTINGS, keys: remoteJwks(config.JWKS_URL), sessions }),
    supergraphSdl: readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8'),
  });
  const gateway = await gatewayServer.listen(0, '127.0.0.1');

  return {
    db,
    signingKeys,
    gateway,
    users,
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
      await gateway.stop();
      await users.stop();
      await db.$disconnect();
      await database.drop();
    },
  };
}
