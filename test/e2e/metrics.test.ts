/**
 * The operator's view (issue 14 §5) through the running stack: `/metrics` on the gateway and on
 * a subgraph in Prometheus' text format, with operations per service, subgraph fetches, errors
 * by code, the database pool, and the event pipeline's lag.
 */
import { createClient } from 'graphql-ws';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { poolOf } from '../../shared/db';
import { consumerLag } from '../../shared/events/bus';
import { createLogger } from '../../shared/logger';
import { watchService } from '../../shared/metrics';
import { eventually } from '../helpers/eventually';
import { testRedisUrl, testWithRedis } from '../helpers/redis';
import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';
import { collect } from '../helpers/ws';

let stack: Stack;
let unwatch: () => void;
beforeAll(async () => {
  stack = await startStack();
  unwatch = watchService({
    service: 'metrics-test',
    pool: poolOf(stack.db),
    consumerLag: () => consumerLag(stack.db, stack.redis, stack.eventStream),
    logger: createLogger('metrics-test', 'silent'),
  });
});
afterAll(async () => {
  unwatch();
  await stack.stop();
});

const metricsOf = async (graphqlUrl: string, init?: RequestInit) => fetch(new URL('/metrics', graphqlUrl), init);

/** The value of one series (exact labels, in prom-client's order), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('the gateway counts operations, subgraph fetches and error codes', async () => {
  await signUp(stack, 'metrics@example.com');
  for (let i = 0; i < 3; i++) {
    const res = await stack.gql('query MetricsCategories { categories { id } }');
    expect(res.errors).toBeUndefined();
  }
  const refused = await stack.gql('query MetricsBroken { nope }');
  expect(refused.status).toBe(400);

  const res = await metricsOf(stack.gateway.url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  expect(
    sample(
      text,
      'graphql_operation_duration_seconds_count{service="gateway",operation="MetricsCategories",type="query"}',
    ),
  ).toBe(3);
  expect(
    sample(text, 'gateway_subgraph_fetch_duration_seconds_count{subgraph="orders",outcome="ok"}'),
  ).toBeGreaterThanOrEqual(3);
  expect(
    sample(text, 'graphql_errors_total{service="gateway",code="GRAPHQL_VALIDATION_FAILED"}'),
  ).toBeGreaterThanOrEqual(1);
  // Process metrics come with prom-client's defaults.
  expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
});

test("a subgraph counts its own operations, and the pool and the event pipeline's lag are reported", async () => {
  const res = await metricsOf(stack.subgraphs.orders!.url);
  expect(res.status).toBe(200);
  const text = await res.text();
  // The gateway names its fetch after the client's operation, the subgraph and the plan step.
  expect(
    sample(
      text,
      'graphql_operation_duration_seconds_count{service="orders",operation="MetricsCategories__orders__0",type="query"}',
    ),
  ).toBe(3);
  expect(sample(text, 'db_pool_connections{service="metrics-test",state="total"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'db_pool_connections{service="metrics-test",state="waiting"}')).toBe(0);
  expect(sample(text, 'events_outbox_lag_seconds{service="metrics-test"}')).toBeGreaterThanOrEqual(0);
  // signUp emitted UserChanged; its consumers (support, reports, notifications...) report a lag.
  expect(text).toMatch(/^events_consumer_lag\{consumer="[a-z.-]+"\} \d+/m);
  expect(text).toMatch(/^events_delivered_total\{consumer="[a-z.-]+",type="UserChanged"\} \d+/m);
});

test('the gateway reports its WebSocket clients and subscriptions as they come and go', async () => {
  const viewer = await signUp(stack, 'metrics-ws@example.com');
  const gauges = async () => {
    const text = await (await metricsOf(stack.gateway.url)).text();
    return [sample(text, 'gateway_websocket_connections'), sample(text, 'gateway_subscriptions')];
  };
  expect(await gauges()).toEqual([0, 0]);
  const client = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${viewer.accessToken}` },
    retryAttempts: 0,
  });
  const live = collect(client, 'subscription { pointsChanged { points } }');
  await eventually(async () => ((await gauges()).join() === '1,1' ? true : undefined), {
    what: 'one connection with one subscription',
  });
  live.unsubscribe();
  await client.dispose();
  await eventually(async () => ((await gauges()).join() === '0,0' ? true : undefined), {
    what: 'no connection and no subscription',
  });
});

testWithRedis("with Redis, a consumer's lag is its group's (events in the stream it has not read)", async () => {
  const redis = new Redis(testRedisUrl!);
  const stream = `metrics-lag-${Date.now()}`;
  try {
    expect(await consumerLag(stack.db, redis, stream)).toEqual([]); // no stream yet
    await redis.xgroup('CREATE', stream, 'lag-test.consumer', '$', 'MKSTREAM');
    for (let i = 0; i < 3; i++) await redis.xadd(stream, '*', 'event', '{}');
    expect(await consumerLag(stack.db, redis, stream)).toEqual([{ consumer: 'lag-test.consumer', lag: 3 }]);
    await redis.xreadgroup('GROUP', 'lag-test.consumer', 'one', 'COUNT', 2, 'STREAMS', stream, '>');
    expect(await consumerLag(stack.db, redis, stream)).toEqual([{ consumer: 'lag-test.consumer', lag: 1 }]);
  } finally {
    await redis.del(stream);
    redis.disconnect();
  }
});
