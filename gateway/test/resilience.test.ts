/**
 * The gateway's subgraph client under faults, over real HTTP: two tiny real subgraphs (`live`
 * owns `Item`, `flaky` adds `Item.stock` and `Query.status`) and, in place of `flaky`, a socket
 * that accepts and never answers (a frozen process), a closed port (a dead one), and a server
 * that drops kept-alive sockets as requests arrive (the keep-alive race).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { parse } from 'graphql';
import { staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../shared/auth/keys';
import { sessionChangeHub } from '../../shared/auth/session-changes';
import { createTokenVerifier, signAccessToken } from '../../shared/auth/tokens';
import { loadConfig } from '../../shared/config';
import { createPool, type Pool } from '../../shared/pg';
import { createLogger } from '../../shared/logger';
import type { RunningServer } from '../../shared/subgraph';
import { eventually } from '../../test/helpers/eventually';
import type { OperationData } from '../../test/helpers/stack';
import { createGateway, type GatewayServer } from '../src/server';

/** Nothing listens on port 1: the gateway only needs Postgres for /ready. */
const DEAD_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
const TOKENS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };
const TIMEOUT_MS = 1000;
/** Long enough that no probe starts while a test checks that the open circuit fails fast. */
const HALF_OPEN_MS = 3000;

const LIVE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { hello: String! items: [Item!]! }
  type Item @key(fields: "id") { id: ID! name: String! }
`;
const FLAKY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { status: String slow: String }
  type Mutation { touch: Int! }
  type Item @key(fields: "id") { id: ID! stock: Int }
`;

/** What a tiny subgraph saw: HTTP requests per operation kind, and the mutations it ran. */
interface Seen {
  requests: number;
  mutations: number;
  authorizations: string[];
}

interface TinySubgraph extends RunningServer {
  seen: Seen;
  /** Resolves `Query.slow` (every one waiting until then). */
  release(): void;
}

/**
 * A real subgraph. With `dropReusedSockets`, a request that arrives on a connection that already
 * served one is read in full and then the socket is destroyed without an answer: what the
 * gateway sees when a server closes a kept-alive socket as it is being reused.
 */
async function startSubgraph(
  sdl: string,
  options: { port?: number; dropReusedSockets?: boolean } = {},
): Promise<TinySubgraph> {
  const seen: Seen = { requests: 0, mutations: 0, authorizations: [] };
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(sdl),
        resolvers: {
          Query: {
            hello: () => 'world',
            items: () => [{ id: '1', name: 'one' }],
            status: () => 'fine',
            slow: async () => {
              await gate;
              return 'done';
            },
          },
          Mutation: { touch: () => ++seen.mutations },
          Item: { stock: () => 7 },
        },
      },
    ]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const served = new WeakSet<net.Socket>();
  app.use(
    '/graphql',
    (req, _res, next) => {
      seen.requests++;
      seen.authorizations.push(req.header('authorization') ?? '');
      if (options.dropReusedSockets && served.has(req.socket)) {
        req.resume();
        req.on('end', () => req.socket.destroy());
        return;
      }
      served.add(req.socket);
      next();
    },
    express.json(),
    expressMiddleware(apollo),
  );
  await new Promise<void>((resolve) => httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    seen,
    release: () => {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    stop: async () => {
      await apollo.stop();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** Accepts connections and reads them, never answering: a stopped process's listen socket. */
async function startFrozen(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (taken and released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function supergraphOf(liveUrl: string, flakyUrl: string): string {
  const result = composeServices([
    { name: 'live', typeDefs: parse(LIVE_SDL), url: liveUrl },
    { name: 'flaky', typeDefs: parse(FLAKY_SDL), url: flakyUrl },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
const verifier = createTokenVerifier({
  ...TOKENS,
  keys: staticKeys(signingKeys.map(toPublicJwk)),
  sessions: async () => ({ roles: ['CUSTOMER'] }),
});
const tokenFor = (userId: string) => signAccessToken(signingKeys[0]!, TOKENS, { userId, sessionId: userId }).token;
const logger = createLogger('resilience-test', 'silent');
let pool: Pool;
let live: TinySubgraph;
const cleanups: (() => Promise<void>)[] = [];

async function startGateway(
  flakyUrl: string,
  env: Record<string, string> = {},
): Promise<RunningServer & { gateway: GatewayServer }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: DEAD_DATABASE_URL,
    SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
    SUBGRAPH_BREAKER_FAILURES: '3',
    SUBGRAPH_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
    ...env,
  });
  const gateway = await createGateway({
    config,
    pool,
    verifier,
    sessionChanges: sessionChangeHub(),
    logger,
    supergraphSdl: supergraphOf(live.url, flakyUrl),
  });
  const server = await gateway.listen(0, '127.0.0.1');
  cleanups.push(() => server.stop());
  return { ...server, gateway };
}

interface Body {
  data?: OperationData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

async function post(gateway: RunningServer, query: string, token?: string): Promise<Body> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as Body;
}

beforeAll(async () => {
  pool = createPool({ databaseUrl: DEAD_DATABASE_URL, connectTimeoutMs: 500 });
  live = await startSubgraph(LIVE_SDL);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await live.stop();
  await pool.end();
});

describe('a frozen subgraph (accepts, never answers)', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    const frozen = await startFrozen();
    cleanups.push(frozen.stop);
    gateway = await startGateway(frozen.url);
  });

  it('answers the live part and SERVICE_UNAVAILABLE naming the subgraph, within the timeout', async () => {
    const started = Date.now();
    const body = await post(gateway, '{ hello status items { id name stock } }');
    const elapsed = Date.now() - started;
    expect(body.data).toEqual({ hello: 'world', status: null, items: [{ id: '1', name: 'one', stock: null }] });
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'flaky' });
      expect(error.message).toMatch(/no answer within 1000 ms/);
    }
    // Bounded by the deadline (both fetches run in parallel), not by any socket's default.
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 5);
  });

  it('opens the circuit after consecutive failures and then fails fast', async () => {
    for (let i = 0; i < 3; i++) await post(gateway, '{ status }');
    const started = Date.now();
    const body = await post(gateway, '{ hello status }');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(body.data).toEqual({ hello: 'world', status: null });
    expect(body.errors?.[0]?.message).toMatch(/circuit open/);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'flaky' });
    expect(body.errors?.[0]?.extensions?.retryAfterMs).toBe(HALF_OPEN_MS);
  });
});

describe('a dead subgraph (connection refused)', () => {
  it('answers the live part at once, and is used again once it is back (half-open probe)', async () => {
    const port = await closedPort();
    const gateway = await startGateway(`http://127.0.0.1:${port}/graphql`);
    const started = Date.now();
    const body = await post(gateway, '{ hello status }');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(body.data).toEqual({ hello: 'world', status: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'flaky' });
    expect(body.errors?.[0]?.message).toMatch(/ECONNREFUSED/);
    for (let i = 0; i < 3; i++) await post(gateway, '{ status }');
    expect((await post(gateway, '{ status }')).errors?.[0]?.message).toMatch(/circuit open/);

    const back = await startSubgraph(FLAKY_SDL, { port });
    cleanups.push(back.stop);
    const recovered = await eventually(
      async () => {
        const again = await post(gateway, '{ hello status }');
        return again.errors === undefined && again;
      },
      { what: 'the gateway to use the subgraph again' },
    );
    expect(recovered.data).toEqual({ hello: 'world', status: 'fine' });
  });
});

describe('a subgraph that closes kept-alive sockets as they are reused', () => {
  let flaky: TinySubgraph;
  let gateway: RunningServer;
  beforeAll(async () => {
    flaky = await startSubgraph(FLAKY_SDL, { dropReusedSockets: true });
    cleanups.push(flaky.stop);
    gateway = await startGateway(flaky.url);
  });

  it('retries a query once on a new connection', async () => {
    expect((await post(gateway, '{ status }')).data).toEqual({ status: 'fine' });
    const before = flaky.seen.requests;
    const body = await post(gateway, '{ status }');
    expect(body).toEqual({ data: { status: 'fine' } });
    expect(flaky.seen.requests - before).toBe(2);
  });

  it('never sends a mutation twice: it fails with SERVICE_UNAVAILABLE instead', async () => {
    // Leaves a kept-alive socket that has served a request in the pool.
    expect((await post(gateway, '{ status }')).data).toEqual({ status: 'fine' });
    const before = flaky.seen.requests;
    const body = await post(gateway, 'mutation { touch }');
    expect(flaky.seen.requests - before).toBe(1);
    expect(flaky.seen.mutations).toBe(0);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'flaky' });
  });
});

describe('in-flight deduplication', () => {
  let flaky: TinySubgraph;
  let gateway: RunningServer & { gateway: GatewayServer };
  beforeAll(async () => {
    flaky = await startSubgraph(FLAKY_SDL);
    cleanups.push(flaky.stop);
    gateway = await startGateway(flaky.url, { SUBGRAPH_TIMEOUT_MS: '20000' });
  });

  it('shares one fetch among identical queries of the same viewer, not across viewers', async () => {
    const alice = tokenFor('00000000-0000-4000-8000-00000000000a');
    const bob = tokenFor('00000000-0000-4000-8000-00000000000b');
    const before = flaky.seen.requests;
    const answers = Promise.all([
      ...Array.from({ length: 5 }, () => post(gateway, '{ slow }', alice)),
      post(gateway, '{ slow }', bob),
    ]);
    // Every client request has reached its subgraph fetch: 2 sent, 4 waiting on alice's.
    await eventually(() => flaky.seen.requests - before === 2 && gateway.gateway.deduplicatedFetches === 4, {
      what: 'the six fetches to be in flight',
    });
    flaky.release();
    for (const body of await answers) expect(body).toEqual({ data: { slow: 'done' } });
    expect(flaky.seen.requests - before).toBe(2);
    expect(flaky.seen.authorizations.slice(before).sort()).toEqual([`Bearer ${alice}`, `Bearer ${bob}`].sort());
  });

  it('never shares a mutation', async () => {
    const before = flaky.seen.mutations;
    await Promise.all(Array.from({ length: 3 }, () => post(gateway, 'mutation { touch }')));
    expect(flaky.seen.mutations - before).toBe(3);
  });
});
