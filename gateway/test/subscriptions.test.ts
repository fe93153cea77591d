/**
 * Subscriptions through the real gateway over real WebSockets, with the official graphql-ws
 * client, in front of two tiny real subgraphs (alpha, beta: see helpers/subscriptions.ts).
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../shared/auth/tokens';
import { createMemoryPubSub, createRedisPubSub, type PubSub } from '../../shared/realtime/pubsub';
import type { RunningServer } from '../../shared/subgraph';
import { describeWithRedis, testRedisUrl } from '../../test/helpers/redis';
import { eventually } from '../../test/helpers/eventually';
import { collect } from '../../test/helpers/ws';
import {
  COUNTER,
  MAX_SUBSCRIPTIONS,
  activeByRoom,
  alphaStats,
  betaFetchViewers,
  channel,
  closeFixture,
  connect,
  liveSessions,
  sessionChanges,
  login,
  openFixture,
  startAlpha,
  startBeta,
  startGateway,
  stopAtEnd,
  upstreamFor,
  type StartedGateway,
} from './helpers/subscriptions';

let memoryPubSub: PubSub;
let alpha: RunningServer;
let beta: RunningServer;
let gateway: StartedGateway;

beforeAll(async () => {
  openFixture();
  memoryPubSub = createMemoryPubSub();
  alpha = await startAlpha(memoryPubSub);
  beta = await startBeta();
  gateway = await startGateway({ alpha: alpha.url, beta: beta.url });
});

afterAll(async () => {
  await closeFixture();
  await alpha.stop();
  await beta.stop();
});

describe('subscriptions over WebSocket', () => {
  it('delivers each event in order, with the payload fields of another subgraph', async () => {
    const { token, userId } = login();
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await eventually(upstreamFor(room), { what: 'the upstream subscription' });
    for (let n = 1; n <= 20; n++) await memoryPubSub.publish(channel(room), { id: `${room}:${n}`, n });
    await eventually(() => sub.events.length === 20);
    expect(sub.events.map((e) => e.counter)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ n: i + 1, double: 2 * (i + 1), viewer: userId })),
    );
    expect(sub.codes).toEqual([]);
    sub.unsubscribe();
    await eventually(() => !upstreamFor(room)(), { what: 'the upstream to close' });
  });

  it('refuses at subscribe time with the subgraph FORBIDDEN', async () => {
    const { token } = login(['CUSTOMER']);
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), 'subscription ($room: ID!) { secret(room: $room) { n } }', {
      room,
    });
    await sub.ended;
    expect(sub.codes).toEqual(['FORBIDDEN']);
    expect(sub.events).toEqual([]);
  });

  it('checks every event: a refused event ends the subscription with its error', async () => {
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl), COUNTER, { room });
    await eventually(upstreamFor(room));
    await memoryPubSub.publish(channel(room), { id: `${room}:1`, n: 1 });
    await memoryPubSub.publish(channel(room), { id: `${room}:-1`, n: -1 });
    await sub.ended;
    expect(sub.events.map((e) => e.counter.n)).toEqual([1]);
    expect(sub.codes).toEqual(['FORBIDDEN']);
  });

  it('ends with UNAUTHENTICATED at once when the revocation is pushed, without waiting for an event', async () => {
    const { token, sessionId, userId } = login();
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await eventually(upstreamFor(room));
    await memoryPubSub.publish(channel(room), { id: `${room}:1`, n: 1 });
    await eventually(() => sub.events.length === 1);
    liveSessions.delete(sessionId);
    sessionChanges.publish({ userId, sessionId });
    await sub.ended;
    expect(sub.codes).toEqual(['UNAUTHENTICATED']);
    expect(sub.events).toHaveLength(1);
    await eventually(() => !upstreamFor(room)(), { what: 'the upstream to close' });
  });

  it('reads no session per event: a change of another session of the user leaves it running', async () => {
    const { token, sessionId, userId } = login();
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await eventually(upstreamFor(room));
    // Gone from the store but not announced: events are still delivered (no lookup per event).
    liveSessions.delete(sessionId);
    await memoryPubSub.publish(channel(room), { id: `${room}:1`, n: 1 });
    await eventually(() => sub.events.length === 1, { what: 'the event' });
    // Announced for another session of the same user: this connection is not re-checked.
    sessionChanges.publish({ userId, sessionId: randomUUID() });
    await memoryPubSub.publish(channel(room), { id: `${room}:2`, n: 2 });
    await eventually(() => sub.events.length === 2, { what: 'the second event' });
    expect(sub.codes).toEqual([]);
    // Every session of the user (a password change, a disabled user): re-checked and ended.
    sessionChanges.publish({ userId });
    await sub.ended;
    expect(sub.codes).toEqual(['UNAUTHENTICATED']);
  });

  it('ends with UNAUTHENTICATED when the token expires', async () => {
    // Signed so that it expires 1.5 s from now.
    const issuedAt = new Date(Date.now() - ACCESS_TOKEN_TTL_SECONDS * 1000 + 1500);
    const { token } = login(['CUSTOMER'], issuedAt);
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl, token), COUNTER, { room });
    await eventually(upstreamFor(room));
    const started = Date.now();
    await sub.ended;
    expect(sub.codes).toEqual(['UNAUTHENTICATED']);
    expect(Date.now() - started).toBeLessThan(3000);
    await eventually(() => !upstreamFor(room)(), { what: 'the upstream to close' });
  });

  it('refuses a bad token at connect with 4403', async () => {
    let closedWith: number | undefined;
    const sub = collect(connect(gateway.wsUrl, 'not-a-jwt', { onClosed: (code) => (closedWith = code) }), COUNTER, {
      room: 'x',
    });
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
    for (const room of rooms) await eventually(upstreamFor(room));
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

  it('resolves @public payload fields once per event, anonymously, for subscribers of different tokens', async () => {
    const room = randomUUID();
    const subs = [login(), login(), login(), login()].map(({ token }) =>
      collect(connect(gateway.wsUrl, token), 'subscription ($room: ID!) { counter(room: $room) { n double } }', {
        room,
      }),
    );
    await eventually(() => (activeByRoom.get(room) ?? 0) === subs.length, { what: 'the four upstreams' });
    const before = betaFetchViewers.length;
    for (let n = 1; n <= 3; n++) await memoryPubSub.publish(channel(room), { id: `${room}:${n}`, n });
    await eventually(() => subs.every((s) => s.events.length === 3));
    for (const sub of subs)
      expect(sub.events.map((e) => e.counter)).toEqual([1, 2, 3].map((n) => ({ n, double: 2 * n })));
    const fetched = betaFetchViewers.slice(before);
    // Without a viewer: whatever beta answers an anonymous caller, every subscriber may see.
    expect(fetched.every((viewer) => viewer === null)).toBe(true);
    // Shared: at most one fetch per event and upstream (12) would be the per-subscriber cost.
    expect(fetched.length).toBeLessThan(12);
    subs.forEach((s) => s.unsubscribe());
  });

  it('resolves viewer-dependent payload fields per viewer: an ADMIN gets the note, a CUSTOMER FORBIDDEN and null', async () => {
    const room = randomUUID();
    const admin = login(['ADMIN']);
    const customer = login(['CUSTOMER']);
    const query = 'subscription ($room: ID!) { counter(room: $room) { n double viewer note } }';
    const adminSub = collect(connect(gateway.wsUrl, admin.token), query, { room });
    const customerSub = collect(connect(gateway.wsUrl, customer.token), query, { room });
    await eventually(() => (activeByRoom.get(room) ?? 0) === 2, { what: 'both upstreams' });
    await memoryPubSub.publish(channel(room), { id: `${room}:5`, n: 5 });
    await eventually(() => adminSub.events.length === 1 && customerSub.events.length === 1);
    expect(adminSub.events[0]).toEqual({
      counter: { n: 5, double: 10, viewer: admin.userId, note: `note of ${room}:5` },
    });
    expect(adminSub.codes).toEqual([]);
    expect(customerSub.events[0]).toEqual({ counter: { n: 5, double: 10, viewer: customer.userId, note: null } });
    expect(customerSub.codes).toEqual(['FORBIDDEN']);
    adminSub.unsubscribe();
    customerSub.unsubscribe();
  });

  it('shares one upstream subscription between identical client subscriptions', async () => {
    const room = randomUUID();
    const before = alphaStats.opened;
    const subs = [connect(gateway.wsUrl), connect(gateway.wsUrl), connect(gateway.wsUrl)].map((c) =>
      collect(c, 'subscription ($room: ID!) { counter(room: $room) { n } }', { room }),
    );
    await eventually(upstreamFor(room));
    // Events until every client has one: all three subscriptions are live then, so a second
    // upstream would have been opened by now.
    await eventually(
      async () => {
        if (subs.every((s) => s.events.length > 0)) return true;
        await memoryPubSub.publish(channel(room), { id: `${room}:7`, n: 7 }); // looked at on the next poll
        return false;
      },
      { what: 'every client to receive an event', intervalMs: 50 },
    );
    expect(alphaStats.opened - before).toBe(1);
    expect(gateway.server.upstreamSubscriptions).toBeGreaterThanOrEqual(1);
    subs.forEach((s) => s.unsubscribe());
    await eventually(() => !upstreamFor(room)());
  });

  it('resubscribes when the owning subgraph restarts', async () => {
    const room = randomUUID();
    const sub = collect(connect(gateway.wsUrl), COUNTER, { room });
    await eventually(upstreamFor(room));
    const port = alpha.port;
    await alpha.stop();
    expect(activeByRoom.get(room)).toBe(0);
    alpha = await startAlpha(memoryPubSub, { port });
    await eventually(upstreamFor(room), { what: 'the gateway to resubscribe' });
    await memoryPubSub.publish(channel(room), { id: `${room}:3`, n: 3 });
    await eventually(() => sub.events.length === 1);
    expect(sub.events[0]!.counter).toMatchObject({ n: 3, double: 6 });
    expect(sub.codes).toEqual([]);
    sub.unsubscribe();
  });

  it('ends subscriptions with SERVICE_UNAVAILABLE when the subgraph stays down', async () => {
    const lonelyAlpha = await startAlpha(memoryPubSub);
    const gw = await startGateway(
      { alpha: lonelyAlpha.url, beta: beta.url },
      { SUBSCRIPTION_UPSTREAM_RETRY_ATTEMPTS: '2' },
    );
    const room = randomUUID();
    const sub = collect(connect(gw.wsUrl), COUNTER, { room });
    await eventually(upstreamFor(room));
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
    await eventually(upstreamFor(room));
    await gw.running.stop();
    await sub.ended;
    expect(closedWith).toBe(1001);
    await eventually(() => !upstreamFor(room)(), { what: 'the upstream to close' });
  });
});

describeWithRedis('subscriptions across instances (Redis)', () => {
  it('an event published on one subgraph instance reaches subscribers of every gateway, once, in order', async () => {
    const redisClients = [new Redis(testRedisUrl!), new Redis(testRedisUrl!), new Redis(testRedisUrl!)];
    try {
      const [pubsub1, pubsub2] = [createRedisPubSub(redisClients[0]!), createRedisPubSub(redisClients[1]!)];
      const alpha1 = await startAlpha(pubsub1);
      const alpha2 = await startAlpha(pubsub2);
      stopAtEnd(alpha1);
      stopAtEnd(alpha2);
      const gw1 = await startGateway({ alpha: alpha1.url, beta: beta.url });
      const gw2 = await startGateway({ alpha: alpha2.url, beta: beta.url });
      const room = randomUUID();
      const subs = [collect(connect(gw1.wsUrl), COUNTER, { room }), collect(connect(gw2.wsUrl), COUNTER, { room })];
      await eventually(
        async () => {
          const [, count] = (await redisClients[2]!.pubsub('NUMSUB', channel(room))) as [string, number];
          return Number(count) === 2;
        },
        { what: 'both instances to subscribe in Redis' },
      );
      // Event 11 is the marker: a duplicate of any of the first ten would arrive before it.
      for (let n = 1; n <= 11; n++) await pubsub1.publish(channel(room), { id: `${room}:${n}`, n });
      await eventually(() => subs.every((s) => s.events.some((e) => e.counter.n === 11)), {
        what: 'the marker event',
      });
      for (const sub of subs) {
        expect(sub.events.map((e) => e.counter.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        expect(sub.events.map((e) => e.counter.double)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
      }
      subs.forEach((s) => s.unsubscribe());
    } finally {
      redisClients.forEach((c) => c.disconnect());
    }
  });
});
