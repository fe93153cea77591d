/**
 * Subscription lifecycle through the real gateway (setup in helpers/subscriptions.ts): the
 * slow-client policy (4008) and a supergraph reload in compose-from-subgraphs mode.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createMemoryPubSub, type PubSub } from '../../shared/realtime/pubsub';
import type { RunningServer } from '../../shared/subgraph';
import { eventually } from '../../test/helpers/eventually';
import { collect } from '../../test/helpers/ws';
import {
  COUNTER,
  activeByRoom,
  alphaStats,
  channel,
  closeFixture,
  connect,
  openFixture,
  startAlpha,
  startBeta,
  startGateway,
  stopAtEnd,
  upstreamFor,
} from './helpers/subscriptions';

let memoryPubSub: PubSub;
let alpha: RunningServer;
let beta: RunningServer;

beforeAll(async () => {
  openFixture();
  memoryPubSub = createMemoryPubSub();
  alpha = await startAlpha(memoryPubSub);
  beta = await startBeta();
  stopAtEnd(alpha);
  stopAtEnd(beta);
});

afterAll(async () => {
  await closeFixture();
});

/**
 * A graphql-transport-ws client spoken by hand over `ws`, so that the test can stop reading
 * from its socket (`pause`) the way a stuck or slow client does.
 */
async function rawSubscriber(wsUrl: string, query: string, variables: Record<string, unknown>) {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  let closed: { code: number; reason: string } | undefined;
  socket.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  const [ack] = await once(socket, 'message');
  expect(JSON.parse(String(ack)).type).toBe('connection_ack');
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  // The underlying net.Socket: pausing it stops reading, so TCP buffers fill up.
  const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return {
    socket,
    closed: () => closed,
    stopReading: () => tcp.pause(),
    resumeReading: () => tcp.resume(),
  };
}

describe('slow consumers', () => {
  it('closes a client that stops reading with 4008, releases its subscription, and keeps serving the others', async () => {
    const maxPending = 20;
    const gw = await startGateway(
      { alpha: alpha.url, beta: beta.url },
      { SUBSCRIPTION_MAX_PENDING_EVENTS: String(maxPending) },
    );
    const room = randomUUID();
    // Different selections, so each has its own upstream subscription (and its release shows).
    const slow = await rawSubscriber(gw.wsUrl, 'subscription ($room: ID!) { counter(room: $room) { id } }', { room });
    const normal = collect<{ counter: { id: string; n: number } }>(
      connect(gw.wsUrl),
      'subscription ($room: ID!) { counter(room: $room) { id n } }',
      { room },
    );
    await eventually(() => activeByRoom.get(room) === 2, { what: 'both upstream subscriptions' });
    expect(gw.server.upstreamSubscriptions).toBe(2);

    slow.stopReading();
    // Big events fill the kernel's socket buffers quickly; paced so the reading client never
    // has more than one batch waiting (it must not be mistaken for a slow one).
    const padding = 'x'.repeat(16_000);
    const batch = 10;
    let n = 0;
    const started = Date.now();
    while (gw.server.upstreamSubscriptions > 1) {
      if (Date.now() - started > 20_000) throw new Error(`The slow client was not dropped after ${n} events`);
      for (let i = 0; i < batch; i++) {
        n++;
        await memoryPubSub.publish(channel(room), { id: `${room}:${n}:${padding}`, n });
      }
      await eventually(() => normal.events.length === n, { what: `the reading client to get event ${n}` });
    }
    const droppedAfterMs = Date.now() - started;
    expect(droppedAfterMs).toBeLessThan(15_000);

    // Released on the gateway (its upstream) and so on alpha, without waiting for the stuck
    // peer's close handshake.
    expect(gw.server.upstreamSubscriptions).toBe(1);
    await eventually(() => activeByRoom.get(room) === 1, { what: 'alpha to see the slow upstream closed' });

    // The reading client is unaffected: it got every event, in order, and still gets more.
    n++;
    await memoryPubSub.publish(channel(room), { id: `${room}:${n}:`, n });
    await eventually(() => normal.events.length === n, { what: 'the reading client to get the next event' });
    expect(normal.events.map((e) => e.counter.n)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(normal.codes).toEqual([]);

    // Once it reads again, the slow client finds the gateway's 4008 after what was buffered.
    slow.resumeReading();
    await eventually(() => slow.closed() !== undefined, { what: 'the slow client to see the close' });
    expect(slow.closed()).toEqual({ code: 4008, reason: 'Slow consumer' });

    normal.unsubscribe();
    await eventually(() => gw.server.upstreamSubscriptions === 0, { what: 'the last upstream to close' });
    await eventually(() => !upstreamFor(room)(), { what: 'alpha to see every upstream closed' });
  });
});

describe('upstream release', () => {
  it('drops an upstream that is reconnecting to a subgraph that is down without an unhandled rejection', async () => {
    const lonelyAlpha = await startAlpha(memoryPubSub);
    const gw = await startGateway(
      { alpha: lonelyAlpha.url, beta: beta.url },
      { SUBSCRIPTION_UPSTREAM_RETRY_DELAY_MS: '300' },
    );
    const room = randomUUID();
    const sub = collect(connect(gw.wsUrl), COUNTER, { room });
    await eventually(upstreamFor(room));
    await lonelyAlpha.stop();
    // The gateway is now waiting to reconnect; the client leaves meanwhile, so the upstream
    // connection is disposed while its reconnection is pending (and then given up). A clock
    // wait: the reconnection timer (300 ms) has no observable start.
    await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    await eventually(() => gw.server.upstreamSubscriptions === 0, { what: 'the upstream to be released' });
    // A clock wait: long enough for the pending reconnection's timer (300 ms) to fire and give
    // up; an unhandled rejection then fails this test (and would crash a production gateway).
    await new Promise((r) => setTimeout(r, 700));
  });
});

describe('supergraph reload (GATEWAY_COMPOSE_FROM_SUBGRAPHS)', () => {
  it('ends live subscriptions with SERVICE_UNAVAILABLE when a subgraph schema changes; new ones use the new supergraph', async () => {
    let ownAlpha = await startAlpha(memoryPubSub);
    const gw = await startGateway(
      { alpha: ownAlpha.url, beta: beta.url },
      { GATEWAY_COMPOSE_FROM_SUBGRAPHS: 'true', GATEWAY_COMPOSE_POLL_INTERVAL_MS: '200' },
    );
    const query = (q: string) =>
      fetch(`${gw.httpUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q }),
      }).then((res) => res.json() as Promise<{ data?: Record<string, unknown>; errors?: unknown[] }>);

    const room = randomUUID();
    const live = collect(connect(gw.wsUrl), COUNTER, { room });
    await eventually(upstreamFor(room));
    await memoryPubSub.publish(channel(room), { id: `${room}:1`, n: 1 });
    await eventually(() => live.events.length === 1);
    // A few polls of an unchanged schema end nothing: once alpha served a third fetch, the
    // gateway has compared (at least) two polls' results with its schema.
    const fetched = alphaStats.schemaFetches;
    await eventually(() => alphaStats.schemaFetches >= fetched + 3, { what: 'three polls of the unchanged schema' });
    expect(live.codes).toEqual([]);
    expect((await query('{ version2 }')).errors).toBeDefined();

    // alpha redeployed with one more field.
    const port = ownAlpha.port;
    await ownAlpha.stop();
    ownAlpha = await startAlpha(memoryPubSub, { port, extraField: 'version2' });
    stopAtEnd(ownAlpha);
    await eventually(() => live.codes.length > 0, { what: 'the live subscription to end' });
    expect(live.codes).toEqual(['SERVICE_UNAVAILABLE']);
    expect(live.messages).toEqual(['The API schema changed; subscribe again']);
    await eventually(() => !upstreamFor(room)(), { what: 'the old upstream to close' });

    // HTTP and new subscriptions use the new supergraph.
    expect((await query('{ version2 }')).data).toEqual({ version2: 'version2' });
    const room2 = randomUUID();
    const fresh = collect(connect(gw.wsUrl), COUNTER, { room: room2 });
    await eventually(upstreamFor(room2), { what: 'the new upstream' });
    await memoryPubSub.publish(channel(room2), { id: `${room2}:4`, n: 4 });
    await eventually(() => fresh.events.length === 1);
    expect(fresh.events[0]!.counter).toEqual({ n: 4, double: 8, viewer: null });
    expect(fresh.codes).toEqual([]);
    fresh.unsubscribe();
  });
});
