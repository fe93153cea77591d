/**
 * Shared setup of the gateway subscription tests: the real gateway over real WebSockets, the
 * official graphql-ws client, and two tiny real subgraphs built with createSubgraphServer:
 * - `alpha` owns `Tick` and `Subscription.counter/secret` (events from a PubSub),
 * - `beta` adds `Tick.double` and `Tick.viewer`, resolved for every event by an entity fetch.
 *
 * Each test file gets its own copy of this module's state (jest module registry per file).
 * Call `openFixture()` in beforeAll and `closeFixture()` in afterAll.
 */
import { randomUUID } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { staticKeys } from '../../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../../shared/auth/keys';
import { allow, hasRole } from '../../../shared/auth/rules';
import { credentialVerifier, generateCredentialKeys, loadCredentialPublicKey } from '../../../shared/auth/credential';
import { sessionChangeHub } from '../../../shared/auth/session-changes';
import { createTokenVerifier, signAccessToken, type Role, type SessionLookup } from '../../../shared/auth/tokens';
import { loadConfig } from '../../../shared/config';
import { createPrisma, poolOf, type Db } from '../../../shared/db';
import { forbidden } from '../../../shared/errors';
import { createLogger } from '../../../shared/logger';
import { withFilter, type PubSub } from '../../../shared/realtime/pubsub';
import { createSubgraphServer, type RequestContext, type RunningServer } from '../../../shared/subgraph';
import { createGateway, type GatewayServer } from '../../src/server';

export const SECRET = 'subscriptions-test-secret-0123';
const TOKENS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };
export const MAX_DEPTH = 3;
export const MAX_SUBSCRIPTIONS = 3;
/** Nothing listens on port 1: the gateway only needs Postgres for /ready. */
const DEAD_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';

/** alpha's SDL; `extraField` adds `Query.<extraField>: String` (a schema change). */
function alphaSdl(extraField?: string): string {
  return `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { ping: String${extraField ? ` ${extraField}: String` : ''} }
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
}

const BETA_SDL = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://ticketing.example/public/v1.0", import: ["@public"])
    @composeDirective(name: "@public")
  directive @public on FIELD_DEFINITION
  type Tick @key(fields: "id") {
    id: ID!
    "n * 2, computed by beta from the id for each event; the same for every viewer."
    double: Int! @public
    "Who beta sees as the viewer: the subscriber's token is forwarded for each event."
    viewer: String
    "ADMIN only (FORBIDDEN and null for anyone else)."
    note: String
  }
`;

/** The viewers (user id, or null for anonymous) of beta's entity fetches, in order. */
export const betaFetchViewers: (string | null)[] = [];

export interface TickEvent {
  id: string;
  n: number;
}

const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
export const liveSessions = new Map<string, Role[]>();
const sessions: SessionLookup = async (sessionId) => {
  const roles = liveSessions.get(sessionId);
  return roles ? { roles } : undefined;
};
export const verifier = createTokenVerifier({ ...TOKENS, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions });
// As in production: the gateway checks the token, subgraphs trust its credential.
const credentialKeys = generateCredentialKeys();
const credentials = credentialVerifier(loadCredentialPublicKey(credentialKeys.publicKey));
/** What users would push: tests revoke a session by deleting it from `liveSessions` and publishing here. */
export const sessionChanges = sessionChangeHub();
const logger = createLogger('subscriptions-test', 'silent');

export function login(roles: Role[] = ['CUSTOMER'], now?: Date): { token: string; userId: string; sessionId: string } {
  const sessionId = randomUUID();
  const userId = randomUUID();
  liveSessions.set(sessionId, roles);
  return { token: signAccessToken(signingKeys[0]!, TOKENS, { userId, sessionId }, now).token, userId, sessionId };
}

export const channel = (room: string) => `test-counter:${room}`;

/** Upstream subscriptions the alpha instances hold, by room (what the gateway opened). */
export const activeByRoom = new Map<string, number>();
/**
 * What the alpha instances ever did: upstream subscriptions opened, and schema fetches
 * (`_service { sdl }`, e.g. the polls of a gateway composing from its subgraphs).
 */
/** What both test subgraphs run on: no database, the test token verifier, the gateway's secret. */
const subgraphDeps = () => ({
  db: deadDb,
  verifier,
  credentials,
  logger,
  subgraphSecret: SECRET,
  exposeErrorDetails: false,
  introspection: false,
});

export const alphaStats = { opened: 0, schemaFetches: 0 };

let deadDb: Db;
const running: { stop(): Promise<void> }[] = [];
const clients: Client[] = [];

export function openFixture(): void {
  deadDb = createPrisma({ databaseUrl: DEAD_DATABASE_URL, connectTimeoutMs: 500 });
}

/** Disposes every client, stops every gateway (and registered server), disconnects the db. */
export async function closeFixture(): Promise<void> {
  await Promise.all(clients.map(async (c) => c.dispose()));
  for (const server of running) await server.stop();
  await deadDb.$disconnect();
}

/** Stopped by `closeFixture`. */
export function stopAtEnd(server: { stop(): Promise<void> }): void {
  running.push(server);
}

export async function startAlpha(
  pubsub: PubSub,
  options: { port?: number; extraField?: string } = {},
): Promise<RunningServer> {
  const track = <T>(room: string, source: AsyncIterableIterator<T>): AsyncIterableIterator<T> => {
    alphaStats.opened++;
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
  const { extraField } = options;
  const server = await createSubgraphServer<RequestContext>({
    name: 'alpha',
    typeDefs: alphaSdl(extraField),
    resolvers: {
      Query: { ping: () => 'pong', ...(extraField ? { [extraField]: () => extraField } : {}) },
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
          subscribe: (_: unknown, args: { room: string }, ctx: RequestContext) =>
            track(args.room, ctx.pubsub.subscribe(channel(args.room))),
          resolve: tickFrom,
        },
      },
      Tick: { parent: () => null },
    },
    permissions: {
      Query: { ping: allow, _service: allow, _entities: allow, ...(extraField ? { [extraField]: allow } : {}) },
      Subscription: { counter: allow, secret: hasRole('ADMIN') },
      Tick: allow,
      _Service: allow,
    },
    referenceRules: {},
    deps: subgraphDeps(),
    createContext: (base) => base,
    ready: async () => undefined,
    pubsub,
    plugins: [
      {
        async requestDidStart({ request }) {
          if (request.query?.includes('_service')) alphaStats.schemaFetches++;
        },
      },
    ],
  });
  return server.listen(options.port ?? 0, '127.0.0.1');
}

export async function startBeta(): Promise<RunningServer> {
  const server = await createSubgraphServer<RequestContext>({
    name: 'beta',
    typeDefs: BETA_SDL,
    resolvers: {
      Tick: {
        __resolveReference: (ref: { id: string }) => ref,
        double: (tick: { id: string }) => Number(tick.id.split(':').pop()) * 2,
        viewer: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.viewer?.userId ?? null,
        note: (tick: { id: string }) => `note of ${tick.id}`,
      },
    },
    permissions: {
      Query: { _service: allow, _entities: allow },
      Tick: { '*': allow, note: hasRole('ADMIN') },
      _Service: allow,
    },
    referenceRules: { Tick: () => true },
    deps: subgraphDeps(),
    createContext: (base) => base,
    ready: async () => undefined,
    plugins: [
      {
        async requestDidStart({ request, contextValue }) {
          if (request.query?.includes('_entities')) betaFetchViewers.push(contextValue.viewer?.userId ?? null);
        },
      },
    ],
  });
  return server.listen(0, '127.0.0.1');
}

function composeSupergraph(urls: { alpha: string; beta: string }): string {
  const result = composeServices([
    { name: 'alpha', typeDefs: parse(alphaSdl()), url: urls.alpha },
    { name: 'beta', typeDefs: parse(BETA_SDL), url: urls.beta },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

export interface StartedGateway {
  server: GatewayServer;
  running: RunningServer;
  wsUrl: string;
  httpUrl: string;
}

/**
 * A gateway in front of alpha and beta; `env` adds to or overrides the test config. With
 * GATEWAY_COMPOSE_FROM_SUBGRAPHS the supergraph given here only lists the subgraphs.
 */
export async function startGateway(
  urls: { alpha: string; beta: string },
  env: Record<string, string> = {},
): Promise<StartedGateway> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: DEAD_DATABASE_URL,
    SUBGRAPH_SECRET: SECRET,
    VIEWER_CREDENTIAL_SIGNING_KEY: credentialKeys.signingKey,
    MAX_QUERY_DEPTH: String(MAX_DEPTH),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(MAX_SUBSCRIPTIONS),
    SUBSCRIPTION_UPSTREAM_RETRY_DELAY_MS: '100',
    ...env,
  });
  const server = await createGateway({
    config,
    pool: poolOf(deadDb),
    verifier,
    sessionChanges,
    logger,
    supergraphSdl: composeSupergraph(urls),
  });
  const listening = await server.listen(0, '127.0.0.1');
  running.push(listening);
  return { server, running: listening, httpUrl: listening.url, wsUrl: listening.url.replace(/^http/, 'ws') };
}

export function connect(wsUrl: string, token?: string, options: { onClosed?(code: number): void } = {}): Client {
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

export const upstreamFor = (room: string) => () => (activeByRoom.get(room) ?? 0) > 0;
export const COUNTER = 'subscription ($room: ID!) { counter(room: $room) { n double viewer } }';
