/**
 * The process under test of `npm run bench -- subscriptions`: a gateway in front of two tiny
 * subgraphs (`alpha` publishes `Subscription.counter` events from the in-memory PubSub, `beta`
 * adds `Tick.double`, resolved per event), alone in its process so its memory can be measured.
 * Driven by the parent over IPC; see bench/subscriptions.ts.
 */
import { randomUUID } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { staticKeys } from '../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../shared/auth/keys';
import { credentialVerifier, generateCredentialKeys, loadCredentialPublicKey } from '../shared/auth/credential';
import { allow } from '../shared/auth/rules';
import { sessionChangeHub } from '../shared/auth/session-changes';
import { createTokenVerifier, signAccessToken } from '../shared/auth/tokens';
import { loadConfig } from '../shared/config';
import { createPrisma, poolOf } from '../shared/db';
import { createLogger } from '../shared/logger';
import { createMemoryPubSub } from '../shared/realtime/pubsub';
import { createSubgraphServer, type RequestContext } from '../shared/subgraph';
import { createGateway } from '../gateway/src/server';

export type Command =
  | { type: 'publish'; room: string; n: number }
  | { type: 'tokens'; count: number }
  | { type: 'memory' }
  | { type: 'stop' };

export type Reply =
  | { type: 'ready'; wsUrl: string }
  | { type: 'tokens'; tokens: string[] }
  | { type: 'memory'; heapUsed: number; rss: number; upstreamSubscriptions: number; subgraphListeners: number }
  | { type: 'published' }
  | { type: 'stopped' };

const ALPHA_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { ping: String }
  type Subscription { counter(room: ID!): Tick! }
  type Tick @key(fields: "id") { id: ID! n: Int! }
`;
// `double` is the same for every viewer (`@public`): the gateway resolves it once per event,
// not once per subscriber (without it: one entity fetch per event per distinct viewer).
const BETA_SDL = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://ticketing.example/public/v1.0", import: ["@public"])
    @composeDirective(name: "@public")
  directive @public on FIELD_DEFINITION
  type Tick @key(fields: "id") { id: ID! double: Int! @public }
`;
const TOKENS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };
const DEAD_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';

async function main(): Promise<void> {
  const logger = createLogger('bench', 'silent');
  const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
  const sessions = new Set<string>();
  const verifier = createTokenVerifier({
    ...TOKENS,
    keys: staticKeys(signingKeys.map(toPublicJwk)),
    sessions: async (sessionId) => (sessions.has(sessionId) ? { roles: ['CUSTOMER'] } : undefined),
  });
  const pubsub = createMemoryPubSub();
  /** Subscriptions alpha is serving (the gateway's upstream ones), to know when all are live. */
  let subgraphListeners = 0;
  const counted = <T>(source: AsyncIterableIterator<T>): AsyncIterableIterator<T> => {
    subgraphListeners++;
    let ended = false;
    const end = () => {
      if (!ended) subgraphListeners--;
      ended = true;
    };
    return {
      next: () => source.next(),
      return: async () => {
        end();
        return (await source.return?.()) ?? { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
  const db = createPrisma({ databaseUrl: DEAD_DATABASE_URL, connectTimeoutMs: 500 });
  // As in production: the gateway checks tokens, subgraphs its credentials.
  const credentialKeys = generateCredentialKeys();
  const credentials = credentialVerifier(loadCredentialPublicKey(credentialKeys.publicKey));
  const common = {
    deps: { db, verifier, credentials, logger, exposeErrorDetails: false, introspection: false },
    ready: async () => undefined,
    createContext: (base: RequestContext) => base,
    pubsub,
  };
  const alpha = await (
    await createSubgraphServer<RequestContext>({
      ...common,
      name: 'alpha',
      typeDefs: ALPHA_SDL,
      resolvers: {
        Query: { ping: () => 'pong' },
        Subscription: {
          counter: {
            subscribe: (_: unknown, args: { room: string }, ctx: RequestContext) =>
              counted(ctx.pubsub.subscribe(`bench:${args.room}`)),
            resolve: (tick: { id: string; n: number }) => ({ __typename: 'Tick', ...tick }),
          },
        },
      },
      permissions: {
        Query: { ping: allow, _service: allow, _entities: allow },
        Subscription: { counter: allow },
        Tick: allow,
        _Service: allow,
      },
      referenceRules: {},
    })
  ).listen(0, '127.0.0.1');
  const beta = await (
    await createSubgraphServer<RequestContext>({
      ...common,
      name: 'beta',
      typeDefs: BETA_SDL,
      resolvers: {
        Tick: {
          __resolveReference: (ref: { id: string }) => ref,
          double: (tick: { id: string }) => Number(tick.id.split(':').pop()) * 2,
        },
      },
      permissions: { Query: { _service: allow, _entities: allow }, Tick: allow, _Service: allow },
      referenceRules: { Tick: () => true },
    })
  ).listen(0, '127.0.0.1');

  const composed = composeServices([
    { name: 'alpha', typeDefs: parse(ALPHA_SDL), url: alpha.url },
    { name: 'beta', typeDefs: parse(BETA_SDL), url: beta.url },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  const server = await createGateway({
    config: loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: DEAD_DATABASE_URL,
      SUBGRAPH_SECRET: 'bench-secret-0123456789',
      VIEWER_CREDENTIAL_SIGNING_KEY: credentialKeys.signingKey,
    }),
    pool: poolOf(db),
    verifier,
    sessionChanges: sessionChangeHub(),
    logger,
    supergraphSdl: composed.supergraphSdl,
  });
  const gateway = await server.listen(0, '127.0.0.1');

  const reply = (message: Reply) => process.send!(message);
  const handle = async (command: Command) => {
    switch (command.type) {
      case 'publish':
        await pubsub.publish(`bench:${command.room}`, { id: `${command.room}:${command.n}`, n: command.n });
        return reply({ type: 'published' });
      case 'tokens':
        return reply({
          type: 'tokens',
          tokens: Array.from({ length: command.count }, () => {
            const sessionId = randomUUID();
            sessions.add(sessionId);
            return signAccessToken(signingKeys[0]!, TOKENS, { userId: randomUUID(), sessionId }).token;
          }),
        });
      case 'memory':
        for (let i = 0; i < 3; i++) global.gc?.();
        return reply({
          type: 'memory',
          ...process.memoryUsage(),
          upstreamSubscriptions: server.upstreamSubscriptions,
          subgraphListeners,
        });
      case 'stop':
        await gateway.stop();
        await alpha.stop();
        await beta.stop();
        await db.$disconnect();
        reply({ type: 'stopped' });
        process.exit(0);
    }
  };
  process.on('message', (command: Command) => void handle(command));
  reply({ type: 'ready', wsUrl: gateway.url.replace(/^http/, 'ws') });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
