/**
 * Subscriptions through the real gateway over real WebSockets, with the official graphql-ws
 * client, in front of two tiny real subgraphs built with createSubgraphServer:
 * - `alpha` owns `Tick` and `Subscription.counter/secret` (events from a PubSub),
 * - `beta` adds `Tick.double` and `Tick.viewer`, resolved for every event by an entity fetch.
 */
import { randomUUID } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../shared/auth/keys';
import { allow, hasRole } from '../../shared/auth/rules';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  createTokenVerifier,
  signAccessToken,
  type Role,
  type SessionLookup,
} from '../../shared/auth/tokens';
import { loadConfig } from '../../shared/config';
import { createPrisma, type Db } from '../../shared/db';
import { forbidden } from '../../shared/errors';
import { createLogger } from '../../shared/logger';
import { createMemoryPubSub, createRedisPubSub, withFilter, type PubSub } from '../../shared/realtime/pubsub';
import { createSubgraphServer, type RequestContext, type RunningServer } from '../../shared/subgraph';
import { redisUrlIfAvailable } from '../../test/helpers/redis';
import { createGateway, type GatewayServer } from '../src/server';
import { collect } from '../../test/helpers/ws';

const SECRET = 'subscriptions-test-secret-0123';
const TOKENS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };
const MAX_DEPTH = 3;
const MAX_SUBSCRIPTIONS = 3;
/** Nothing listens on port 1: the gateway only needs Postgres for /ready. */
const DEAD_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';

const ALPHA_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { ping: String }
  type Subscription {
    "Ticks of a room; an event with a negative n is refused (ends the subscription with FORBIDDEN)."
    counter(room: ID!): Tick!
    "ADMIN only."
    secret(room: ID!): Tick!
  }
  type Tick @key(fields: "id") {
    id: ID!
    n: Int!
    parent: Tick
  }
`;

const BETA_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Tick @key(fields: "id") {
    id: ID!
    "n * 2, computed by beta from the id for each event."
    double: Int!
    "Who beta sees as the viewer: the subscriber's token is forwarded for each event."
    viewer: String
  }
`;

interface TickEvent {
  id: string;
  n: number;
}

const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
const liveSessions = new Map<string, Role[]>();
const sessions: SessionLookup = async (sessionId) => {
  const roles = liveSessions.get(sessionId);
  return roles ? { roles } : undefined;
};
const verifier = createTokenVerifier({ ...TOKENS, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions });
const logger = createLogger('subscriptions-test', 'silent');

function login(roles: Role[] = ['CUSTOMER'], now?: Date): { token: string; userId: string; sessionId: string } {
  const sessionId = randomUUID();
  const userId = randomUUID();
  liveSessions.set(sessionId, roles);
  return { token: signAccessToken(signingKeys[0]!, TOKENS, { userId, sessionId }, now).token, userId, sessionId };
}

const channel = (room: string) => `test-counter:${room}`;

/** Upstream subscriptions the alpha instances hold, by room (what the gateway opened). */
const activeByRoom = new Map<string, number>();
let opened = 0;

async function startAlpha(pubsub: PubSub, port = 0): Promise<RunningServer> {
  const track = <T>(room: string, source: AsyncIterableIterator<T>): AsyncIterableIterator<T> => {
    opened++;
    activeByRoom.set(room, (activeByRoom.get(room) ?? 0) + 1);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      activeByRoom.set(room, activeByRoom.get(room)! - 1);
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        try {
          const result = await source.next();
          if (result.done) release();
          return result;
        } catch (err) {
          release();
          throw err;
        }
      },
      return: async () => {
        release();
        return (await source.return?.()) ?? { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  };
  const tickFrom = (event: TickEvent) => ({ __typename: 'Tick', ...event });
  const server = await createSubgraphServer<RequestContext>({
    name: 'alpha',
    typeDefs: ALPHA_SDL,
    resolvers: {
      Query: { ping: () => 'pong' },
      Subscription: {
        counter: {
          subscribe: (_: unknown, args: { room: string }, ctx: RequestContext) =>
            track(
              args.room,
              withFilter(ctx.pubsub.subscribe<TickEvent>(channel(args.room)), (event) => {
                if (event.n < 0) throw forbidden('Negative ticks are not for you');
                return true;
              }),
            ),
          resolve: tickFrom,
        },
        secret: {
          subscribe: (_: unknown, args: { room: string }, ctx: RequestContext) => track(args.room, ctx.pubsub.subscribe(channel(args.room))),
          resolve: tickFrom,
        },
      },
      Tick: { parent: () => null },
    },
    permissions: {
      Query: { ping: allow, _service: allow, _entities: allow },
      Subscription: { counter: allow, secret: hasRole('ADMIN') },
      Tick: allow,
      _Service: allow,
    },
    referenceRules: {},
    deps: { db: deadDb, verifier, logger, subgraphSecret: SECRET, exposeErrorDetails: false, introspection: false },
    createContext: (base) => base,
    ready: async () => undefined,
    pubsub,
  });
  return server.listen(port, '127.0.0.1');
}

async function startBeta(): Promise<RunningServer> {
  const server = await createSubgraphServer<RequestContext>({
    name: 'beta',
    typeDefs: BETA_SDL,
    resolvers: {
      Tick: {
        __resolveReference: (ref: { id: string }) => ref,
        double: (tick: { id: string }) => Number(tick.id.split(':').pop()) * 2,
        viewer: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.viewer?.userId ?? null,
      },
    },
    permissions: { Query: { _service: allow, _entities: allow }, Tick: allow, _Service: allow },
    referenceRules: { Tick: () => true },
    deps: { db: deadDb, verifier, logger, subgraphSecret: SECRET, exposeErrorDetails: false, introspection: false },
    createContext: (base) => base,
    ready: async () => undefined,
  });
  return server.listen(0, '127.0.0.1');
}

function composeSupergraph(urls: { alpha: string; beta: string }): string {
  const result = composeServices([
    { name: 'alpha', typeDefs: parse(ALPHA_SDL), url: urls.alpha },
    { name: 'beta', typeDefs: parse(BETA_SDL), url: urls.beta },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

let deadDb: Db;
const running: { stop(): Promise<void> }[] = [];
const clients: Client[] = [];

async function startGateway(
  urls: { alpha: string; beta: string },
  env: Record<string, string> = {},
): Promise<{ server: GatewayServer; running: RunningServer; wsUrl: string }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: DEAD_DATABASE_URL,
    SUBGRAPH_SECRET: SECRET,
    MAX_QUERY_DEPTH: String(MAX_DEPTH),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(MAX_SUBSCRIPTIONS),
    SUBSCRIPTION_UPSTREAM_RETRY_DELAY_MS: '100',
    ...env,
  });
  const server = await createGateway({ config, db: deadDb, verifier, logger, supergraphSdl: composeSupergraph(urls) });
  const listening = await server.listen(0, '127.0.0.1');
  running.push(listening);
  return { server, running: listening, wsUrl: listening.url.replace(/^http/, 'ws') };
}

function connect(wsUrl: string, token?: string, options: { onClosed?(code: number): void } = {}): Client {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    on: { closed: (event) => options.onClosed?.((event as { code: number }).code) },
  });
  clients.push(client);
  return client;
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const upstreamFor = (room: string) => () => (activeByRoom.get(room) ?? 0) > 0;
const COUNTER = 'subscription ($room: ID!) { counter(room: $room) { n double viewer } }';

let memoryPubSub: PubSub;
let alpha: RunningServer;
let beta: RunningServer;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  deadDb = createPrisma({ databaseUrl: DEAD_DATABASE_URL, connectTimeoutMs: 500 });
  memoryPubSub = createMemoryPubSub();
  alpha = await startAlpha(memoryPubSub);
  beta = await startBeta();
  gateway = await startGateway({ alpha: alpha.url, beta: beta.url });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  for (const server of running) await server.stop();
  await alpha.stop();
  await beta.stop();
  await deadDb.$disconnect();
});

describe('subscriptions over WebSocket', () => {
  it('delivers each event in order, with the payload fields of another subgraph', async () => {
    const { token, userId } = login();
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await waitFor(upstreamFor(room), 5000, 'the upstream subscription');
    for (let n = 1; n <= 20; n++) await memoryPubSub.publish(channel(room), { id: `${room}:${n}`, n });
    await waitFor(() => sub.events.length === 20);
    expect(sub.events.map((e) => e.counter)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ n: i + 1, double: 2 * (i + 1), viewer: userId })),
    );
    expect(sub.codes).toEqual([]);
    sub.unsubscribe();
    await waitFor(() => !upstreamFor(room)(), 5000, 'the upstream to close');
  });

  it('refuses at subscribe time with the subgraph FORBIDDEN', async () => {
    const { token } = login(['CUSTOMER']);
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), 'subscription ($room: ID!) { secret(room: $room) { n } }', { room });
    await sub.ended;
    expect(sub.codes).toEqual(['FORBIDDEN']);
    expect(sub.events).toEqual([]);
  });

  it('checks every event: a refused event ends the subscription with its error', async () => {
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl), COUNTER, { room });
    await waitFor(upstreamFor(room));
    await memoryPubSub.publish(channel(room), { id: `${room}:1`, n: 1 });
    await memoryPubSub.publish(channel(room), { id: `${room}:-1`, n: -1 });
    await sub.ended;
    expect(sub.events.map((e) => e.counter.n)).toEqual([1]);
    expect(sub.codes).toEqual(['FORBIDDEN']);
  });

  it('ends with UNAUTHENTICATED on the next event once the session is revoked', async () => {
    const { token, sessionId } = login();
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await waitFor(upstreamFor(room));
    await memoryPubSub.publish(channel(room), { id: `${room}:1`, n: 1 });
    await waitFor(() => sub.events.length === 1);
    liveSessions.delete(sessionId);
    await memoryPubSub.publish(channel(room), { id: `${room}:2`, n: 2 });
    await sub.ended;
    expect(sub.codes).toEqual(['UNAUTHENTICATED']);
    expect(sub.events).toHaveLength(1);
  });

  it('ends with UNAUTHENTICATED when the token expires', async () => {
    // Signed so that it expires 1.5 s from now.
    const issuedAt = new Date(Date.now() - ACCESS_TOKEN_TTL_SECONDS * 1000 + 1500);
    const { token } = login(['CUSTOMER'], issuedAt);
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await waitFor(upstreamFor(room));
    const started = Date.now();
    await sub.ended;
    expect(sub.codes).toEqual(['UNAUTHENTICATED']);
    expect(Date.now() - started).toBeLessThan(3000);
    await waitFor(() => !upstreamFor(room)(), 5000, 'the upstream to close');
  });

  it('refuses a bad token at connect with 4403', async () => {
    let closedWith: number | undefined;
    const sub = collect(connect(gateway.wsUrl, 'not-a-jwt', { onClosed: (code) => (closedWith = code) }), COUNTER, { room: 'x' });
    await sub.ended;
    expect(closedWith).toBe(4403);
    expect(sub.codes).toEqual(['closed:4403']);
  });

  it('closes a connection that never sends connection_init', async () => {
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });

  it(`caps subscriptions per connection at ${MAX_SUBSCRIPTIONS}`, async () => {
    const client = connect(gateway.wsUrl);
    const rooms = Array.from({ length: MAX_SUBSCRIPTIONS }, () => randomUUID());
    const subs = rooms.map((room) => collect(client, COUNTER, { room }));
    for (const room of rooms) await waitFor(upstreamFor(room));
    const extra = collect(client, COUNTER, { room: randomUUID() });
    await extra.ended;
    expect(extra.codes).toEqual(['RATE_LIMITED']);
    subs.forEach((s) => s.unsubscribe());
  });

  it('applies the depth limit and validation on the WebSocket path', async () => {
    const client = connect(gateway.wsUrl);
    const deep = collect(client, 'subscription { counter(room: "r") { parent { parent { n } } } }');
    const invalid = collect(client, 'subscription { counter(room: "r") { nope } }');
    const query = collect(client, '{ ping }');
    await Promise.all([deep.ended, invalid.ended, query.ended]);
    expect(deep.codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(invalid.codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(query.codes).toEqual(['BAD_REQUEST']);
  });

  it('shares one upstream subscription between identical client subscriptions', async () => {
    const room = randomUUID();
    const before = opened;
    const subs = [connect(gateway.wsUrl), connect(gateway.wsUrl), connect(gateway.wsUrl)].map((c) =>
      collect(c, 'subscription ($room: ID!) { counter(room: $room) { n } }', { room }),
    );
    await waitFor(upstreamFor(room));
    await new Promise((r) => setTimeout(r, 200));
    expect(opened - before).toBe(1);
    expect(gateway.server.upstreamSubscriptions).toBeGreaterThanOrEqual(1);
    await memoryPubSub.publish(channel(room), { id: `${room}:7`, n: 7 });
    await waitFor(() => subs.every((s) => s.events.length === 1));
    subs.forEach((s) => s.unsubscribe());
    await waitFor(() => !upstreamFor(room)());
  });

  it('resubscribes when the owning subgraph restarts', async () => {
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl), COUNTER, { room });
    await waitFor(upstreamFor(room));
    const port = alpha.port;
    await alpha.stop();
    expect(activeByRoom.get(room)).toBe(0);
    alpha = await startAlpha(memoryPubSub, port);
    await waitFor(upstreamFor(room), 5000, 'the gateway to resubscribe');
    await memoryPubSub.publish(channel(room), { id: `${room}:3`, n: 3 });
    await waitFor(() => sub.events.length === 1);
    expect(sub.events[0]!.counter).toMatchObject({ n: 3, double: 6 });
    expect(sub.codes).toEqual([]);
    sub.unsubscribe();
  });

  it('ends subscriptions with SERVICE_UNAVAILABLE when the subgraph stays down', async () => {
    const lonelyAlpha = await startAlpha(memoryPubSub);
    const gw = await startGateway({ alpha: lonelyAlpha.url, beta: beta.url }, { SUBSCRIPTION_UPSTREAM_RETRY_ATTEMPTS: '2' });
    const room = randomUUID();
    const sub = collect(connect(gw.wsUrl), COUNTER, { room });
    await waitFor(upstreamFor(room));
    await lonelyAlpha.stop();
    const started = Date.now();
    await sub.ended;
    expect(sub.codes).toEqual(['SERVICE_UNAVAILABLE']);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('closes clients with 1001 when the gateway stops', async () => {
    const gw = await startGateway({ alpha: alpha.url, beta: beta.url });
    let closedWith: number | undefined;
    const room = randomUUID();
    const sub = collect(connect(gw.wsUrl, undefined, { onClosed: (code) => (closedWith = code) }), COUNTER, { room });
    await waitFor(upstreamFor(room));
    await gw.running.stop();
    await sub.ended;
    expect(closedWith).toBe(1001);
    await waitFor(() => !upstreamFor(room)(), 5000, 'the upstream to close');
  });
});

describe('subscriptions across instances (Redis)', () => {
  it('an event published on one subgraph instance reaches subscribers of every gateway, once, in order', async () => {
    const redisUrl = await redisUrlIfAvailable();
    if (!redisUrl) return;
    const redisClients = [new Redis(redisUrl), new Redis(redisUrl), new Redis(redisUrl)];
    try {
      const [pubsub1, pubsub2] = [createRedisPubSub(redisClients[0]!), createRedisPubSub(redisClients[1]!)];
      const alpha1 = await startAlpha(pubsub1);
      const alpha2 = await startAlpha(pubsub2);
      running.push(alpha1, alpha2);
      const gw1 = await startGateway({ alpha: alpha1.url, beta: beta.url });
      const gw2 = await startGateway({ alpha: alpha2.url, beta: beta.url });
      const room = randomUUID();
      const subs = [collect(connect(gw1.wsUrl), COUNTER, { room }), collect(connect(gw2.wsUrl), COUNTER, { room })];
      await waitFor(async () => {
        const [, count] = (await redisClients[2]!.pubsub('NUMSUB', channel(room))) as [string, number];
        return Number(count) === 2;
      }, 5000, 'both instances to subscribe in Redis');
      for (let n = 1; n <= 10; n++) await pubsub1.publish(channel(room), { id: `${room}:${n}`, n });
      await waitFor(() => subs.every((s) => s.events.length >= 10));
      await new Promise((r) => setTimeout(r, 100));
      for (const sub of subs) {
        expect(sub.events.map((e) => e.counter.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(sub.events.map((e) => e.counter.double)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
      }
      subs.forEach((s) => s.unsubscribe());
    } finally {
      redisClients.forEach((c) => c.disconnect());
    }
  });
});
