/**
 * The real gateway over HTTP, in front of a tiny real subgraph that echoes what it received.
 * The subgraph is named `users` and the supergraph routes it to a dead placeholder URL, so every
 * test also proves that `SUBGRAPH_USERS_URL` overrides the routing URL.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { getIntrospectionQuery, parse } from 'graphql';
import { staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../shared/auth/keys';
import {
  CREDENTIAL_HEADER,
  credentialVerifier,
  generateCredentialKeys,
  loadCredentialPublicKey,
} from '../../shared/auth/credential';
import { sessionChangeHub } from '../../shared/auth/session-changes';
import { createTokenVerifier, signAccessToken, type SessionLookup } from '../../shared/auth/tokens';
import { loadConfig } from '../../shared/config';
import { createPool, type Pool } from '../../shared/pg';
import { createLogger } from '../../shared/logger';
import type { RunningServer } from '../../shared/subgraph';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db';
import type { OperationData } from '../../test/helpers/stack';
import { createGateway } from '../src/server';

/** Nothing listens on port 1: the database that never answers. */
const DEAD_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
const SECRET = 'gateway-test-secret-0123456789';
const TOKENS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };
const MAX_DEPTH = 4;
const MAX_BODY_BYTES = 4000;

const SUBGRAPH_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    "The headers this subgraph received."
    echo: Echo!
    "Fails like a bug would, with internals in the message."
    boom: String
    node: Node!
  }

  type Echo {
    authorization: String
    credential: String
    secret: String
    requestId: String
    forwardedFor: String
  }

  type Node {
    name: String!
    child: Node!
  }
`;

interface EchoContext {
  headers: http.IncomingHttpHeaders;
}

const header = (headers: http.IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
};

/** A real subgraph that, like ours, wants the secret on /graphql and serves /health. */
async function startEchoSubgraph(): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<EchoContext>({
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(SUBGRAPH_SDL),
        resolvers: {
          Query: {
            echo: (_parent: unknown, _args: unknown, ctx: EchoContext) => ({
              authorization: header(ctx.headers, 'authorization'),
              credential: header(ctx.headers, CREDENTIAL_HEADER),
              secret: header(ctx.headers, 'x-subgraph-secret'),
              requestId: header(ctx.headers, 'x-request-id'),
              forwardedFor: header(ctx.headers, 'x-forwarded-for'),
            }),
            boom: () => {
              throw new Error('relation "secret_table" does not exist');
            },
            node: () => ({ name: 'root' }),
          },
          Node: { child: () => ({ name: 'child' }) },
        },
      },
    ]),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    (req, res, next) => {
      if (req.header('x-subgraph-secret') !== SECRET) {
        res.status(403).json({ errors: [{ message: 'Forbidden' }] });
        return;
      }
      next();
    },
    express.json(),
    expressMiddleware(apollo, { context: async ({ req }) => ({ headers: req.headers }) }),
  );
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, port, stop: () => apollo.stop() };
}

function composeSupergraph(): string {
  const result = composeServices([{ name: 'users', typeDefs: parse(SUBGRAPH_SDL), url: 'http://127.0.0.1:9/graphql' }]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

interface GraphQLBody {
  data?: OperationData | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(
  url: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: GraphQLBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
}

const baseOf = (url: string) => url.replace(/\/graphql$/, '');

const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
const liveSessions = new Set<string>();
const sessions: SessionLookup = async (sessionId) =>
  liveSessions.has(sessionId) ? { roles: ['CUSTOMER'] } : undefined;
const verifier = createTokenVerifier({ ...TOKENS, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions });
const sessionChanges = sessionChangeHub();
const credentialKeys = generateCredentialKeys();
const logger = createLogger('gateway-test', 'silent');

function tokenFor(sessionId: string): string {
  return signAccessToken(signingKeys[0]!, TOKENS, { userId: randomUUID(), sessionId }).token;
}

const supergraphSdl = composeSupergraph();
let subgraph: RunningServer;
let database: TestDatabase;
let pool: Pool;
let deadPool: Pool;
const running: RunningServer[] = [];

async function startGateway(env: Record<string, string>, options: { pool?: Pool } = {}): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    SUBGRAPH_SECRET: SECRET,
    SUBGRAPH_USERS_URL: subgraph.url,
    MAX_QUERY_DEPTH: String(MAX_DEPTH),
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    ...env,
  });
  const gateway = await createGateway({
    config,
    pool: options.pool ?? pool,
    verifier,
    sessionChanges,
    logger,
    supergraphSdl,
  });
  const server = await gateway.listen(0, '127.0.0.1');
  running.push(server);
  return server;
}

beforeAll(async () => {
  subgraph = await startEchoSubgraph();
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url, connectTimeoutMs: 2000 });
  deadPool = createPool({ databaseUrl: DEAD_DATABASE_URL, connectTimeoutMs: 500 });
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await subgraph.stop();
  await pool.end();
  await deadPool.end();
  await database.drop();
});

describe('gateway (test mode)', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await startGateway({});
  });

  it('answers /health', async () => {
    const response = await fetch(`${baseOf(gateway.url)}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when Postgres and every subgraph answer', async () => {
    const response = await fetch(`${baseOf(gateway.url)}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', 'subgraph:users': 'ok' } });
  });

  it('refuses a GET operation without a CSRF preflight header, and serves a JSON POST', async () => {
    const query = encodeURIComponent('{ node { name } }');
    const simple = await fetch(`${gateway.url}?query=${query}`);
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/);

    const preflighted = await fetch(`${gateway.url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);

    const posted = await post(gateway.url, '{ node { name } }');
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ data: { node: { name: 'root' } } });
  });

  it('forwards the verified token, the secret, the request id and the client address', async () => {
    const sessionId = randomUUID();
    liveSessions.add(sessionId);
    const token = tokenFor(sessionId);
    const { status, headers, body } = await post(
      gateway.url,
      '{ echo { authorization secret requestId forwardedFor } }',
      {
        authorization: `Bearer ${token}`,
        'x-request-id': 'req-123',
        // A client cannot choose the address subgraphs see.
        'x-forwarded-for': '203.0.113.9',
      },
    );
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toBe('req-123');
    expect(body.data?.echo).toEqual({
      authorization: `Bearer ${token}`,
      secret: SECRET,
      requestId: 'req-123',
      forwardedFor: '127.0.0.1',
    });
  });

  it('lets an anonymous request through and gives it a request id', async () => {
    const { status, headers, body } = await post(gateway.url, '{ echo { authorization requestId } }', {
      'x-request-id': 'not a safe id <script>',
    });
    expect(status).toBe(200);
    expect(body.data?.echo.authorization).toBeNull();
    expect(body.data?.echo.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get('x-request-id')).toBe(body.data?.echo.requestId);
  });

  it.each([
    ['a garbage token', 'Bearer not-a-jwt'],
    ['a token whose session is gone', `Bearer ${tokenFor(randomUUID())}`],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 UNAUTHENTICATED to %s, never anonymous', async (_case, authorization) => {
    const { status, headers, body } = await post(gateway.url, '{ echo { authorization } }', { authorization });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses operations deeper than MAX_QUERY_DEPTH, fragments included', async () => {
    // node(1) child(2) child(3) child(4) name(5)
    const direct = await post(gateway.url, '{ node { child { child { child { name } } } } }');
    const viaFragments = await post(
      gateway.url,
      `query Deep { node { ...A } }
       fragment A on Node { child { ... on Node { ...B } } }
       fragment B on Node { child { child { name } } }`,
    );
    for (const { status, body } of [direct, viaFragments]) {
      expect(status).toBe(400);
      expect(body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors![0]!.message).toMatch(/nested 5 levels deep; the limit is 4/);
    }
    expect(viaFragments.body.errors![0]!.message).toMatch(/^Operation "Deep"/);

    const atLimit = await post(gateway.url, '{ node { child { child { name } } } }');
    expect(atLimit.body).toEqual({ data: { node: { child: { child: { name: 'child' } } } } });
  });

  it('does not count introspection against the depth limit', async () => {
    const { status, body } = await post(gateway.url, getIntrospectionQuery());
    expect(status).toBe(200);
    expect(body.data?.__schema.queryType.name).toBe('Query');
  });

  it('refuses a body larger than MAX_BODY_BYTES with a GraphQL-shaped error', async () => {
    const { status, body } = await post(gateway.url, `{ node { name } } # ${'x'.repeat(MAX_BODY_BYTES)}`);
    expect(status).toBe(413);
    expect(body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
  });

  it('serves neither a landing page nor /schema.graphql outside development', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/EmbeddedSandbox|<html/i);
    expect((await fetch(`${baseOf(gateway.url)}/schema.graphql`)).status).toBe(404);
  });
});

describe('gateway (production)', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'production', VIEWER_CREDENTIAL_SIGNING_KEY: credentialKeys.signingKey });
  });

  it('refuses to start without a credential signing key', async () => {
    await expect(startGateway({ NODE_ENV: 'production' })).rejects.toThrow(/VIEWER_CREDENTIAL_SIGNING_KEY/);
  });

  it('sends subgraphs its signed viewer credential instead of the token', async () => {
    const sessionId = randomUUID();
    liveSessions.add(sessionId);
    const { body } = await post(gateway.url, '{ echo { authorization credential } }', {
      authorization: `Bearer ${tokenFor(sessionId)}`,
    });
    const echo = body.data?.echo as { authorization: string | null; credential: string };
    expect(echo.authorization).toBeNull();
    const viewer = credentialVerifier(loadCredentialPublicKey(credentialKeys.publicKey)).verify(echo.credential);
    expect(viewer).toMatchObject({ roles: ['CUSTOMER'], sessionId });
    // Anonymous: neither.
    const anonymous = await post(gateway.url, '{ echo { authorization credential } }');
    expect(anonymous.body.data?.echo).toEqual({ authorization: null, credential: null });
  });

  it('has introspection off', async () => {
    const { status, body } = await post(gateway.url, '{ __schema { queryType { name } } }');
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.data).toBeUndefined();
  });

  it('has no landing page', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await response.text()).not.toMatch(/<html/i);
  });

  it('masks an unexpected subgraph error', async () => {
    const { body } = await post(gateway.url, '{ boom }');
    expect(body.data).toEqual({ boom: null });
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/secret_table|stacktrace/);
  });

  it('refuses to compose from the subgraphs', async () => {
    await expect(
      startGateway({
        NODE_ENV: 'production',
        GATEWAY_COMPOSE_FROM_SUBGRAPHS: 'true',
        VIEWER_CREDENTIAL_SIGNING_KEY: credentialKeys.signingKey,
      }),
    ).rejects.toThrow(/GATEWAY_COMPOSE_FROM_SUBGRAPHS is for development/);
  });
});

describe('gateway (development)', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'development' });
  });

  it('serves Apollo Sandbox embedded at /graphql, pointed at the page it is served from', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(html).toContain('new window.EmbeddedSandbox(');
    expect(html).toContain('var initialEndpoint = window.location.href;');
    const config = JSON.parse(/var embeddedSandboxConfig = (\{.*\});/.exec(html)![1]!) as Record<string, unknown>;
    expect(config).toMatchObject({ target: '#embeddableSandbox', endpointIsEditable: false, runTelemetry: false });
  });

  it('redirects / to the Sandbox page', async () => {
    const response = await fetch(`${baseOf(gateway.url)}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/graphql');
  });

  it('serves the API schema (not the supergraph) at /schema.graphql', async () => {
    const response = await fetch(`${baseOf(gateway.url)}/schema.graphql`);
    expect(response.status).toBe(200);
    const sdl = await response.text();
    expect(sdl).toContain('type Query {');
    expect(sdl).toContain('echo: Echo!');
    expect(sdl).not.toMatch(/join__|@link|_entities|_service/);
    expect(() => parse(sdl)).not.toThrow();
  });

  it('shows unexpected error details', async () => {
    const { body } = await post(gateway.url, '{ boom }');
    expect(body.errors![0]!.message).toMatch(/secret_table/);
  });

  it('can compose from the running subgraphs instead of the file', async () => {
    const composed = await startGateway({ NODE_ENV: 'development', GATEWAY_COMPOSE_FROM_SUBGRAPHS: 'true' });
    const { status, body } = await post(composed.url, '{ echo { secret } }');
    expect(status).toBe(200);
    expect(body.data?.echo).toEqual({ secret: SECRET });
  });
});

describe('gateway readiness failures', () => {
  it('is not ready when Postgres does not answer, and says only which dependency failed', async () => {
    const gateway = await startGateway({}, { pool: deadPool });
    const response = await fetch(`${baseOf(gateway.url)}/ready`);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toEqual({ status: 'unavailable', checks: { database: 'failed', 'subgraph:users': 'ok' } });
    expect(JSON.stringify(body)).not.toMatch(/postgres:|127\.0\.0\.1/);
  });

  it('is not ready once a subgraph stops', async () => {
    const gateway = await startGateway({});
    expect((await fetch(`${baseOf(gateway.url)}/ready`)).status).toBe(200);
    await subgraph.stop();
    const response = await fetch(`${baseOf(gateway.url)}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', 'subgraph:users': 'failed' },
    });
  });
});
