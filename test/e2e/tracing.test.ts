/**
 * OpenTelemetry traces (issue 14 §5) through the running stack, read where an operator's
 * collector reads them: an OTLP/HTTP endpoint (`POST /v1/traces`, JSON encoding) that every
 * service exports to. One federated request is one trace: the gateway's SERVER span (a child
 * of the client's `traceparent`), a CLIENT span per subgraph fetch, each the parent of that
 * subgraph's SERVER span, and the SQL statements under the subgraph that ran them.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { SubgraphClient } from '../../gateway/src/subgraph-client';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { startTracing } from '../../shared/tracing';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';

/** A span as OTLP's JSON encoding carries it, with its resource's `service.name`. */
interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 2 SERVER, 3 CLIENT. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

interface ExportRequest {
  resourceSpans: {
    resource: { attributes: ExportedSpan['attributes'] };
    scopeSpans: { spans: Omit<ExportedSpan, 'service'>[] }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;

/** The collector's HTTP boundary: accepts OTLP/HTTP JSON exports and keeps their spans. */
async function startCollector(): Promise<{ endpoint: string; spans: ExportedSpan[]; stop(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.includes('json')) {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      for (const { resource, scopeSpans } of (JSON.parse(body) as ExportRequest).resourceSpans) {
        const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const attribute = (span: ExportedSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
};

let collector: Awaited<ReturnType<typeof startCollector>>;
let stack: Stack;
beforeAll(async () => {
  collector = await startCollector();
  stack = await startStack({ tracing: { endpoint: collector.endpoint } });
});
afterAll(async () => {
  await stack?.stop();
  await collector?.stop();
});

test('one federated request is one trace: gateway, a span per subgraph fetch, its subgraph, its SQL', async () => {
  const user = await signUp(stack, 'traced@example.com');
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  const res = await stack.gql(
    'query TracedMe { me { email points } }',
    {},
    { token: user.accessToken, headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ me: { email: 'traced@example.com', points: 0 } });

  const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
  const serverSpanOf = (service: string) => inTrace().find((s) => s.service === service && s.kind === SERVER);
  // Spans arrive in batches from each service; wait for the last ones (both subgraphs' SQL).
  await eventually(
    async () => {
      await stack.flushTraces();
      const servers = [serverSpanOf('gateway'), serverSpanOf('users'), serverSpanOf('gamification')];
      return (
        servers.every(Boolean) &&
        ['users', 'gamification'].every((service) =>
          inTrace().some((s) => s.service === service && attribute(s, 'db.system.name') === 'postgresql'),
        )
      );
    },
    { what: 'the trace of the request from every service' },
  );
  const spans = inTrace();
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = (span: ExportedSpan): ExportedSpan[] => {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    return parent ? [parent, ...ancestors(parent)] : [];
  };

  // The root: the gateway's request, continuing the client's trace.
  const root = serverSpanOf('gateway')!;
  expect(root.parentSpanId).toBe(clientSpanId);
  expect(root.name).toBe('query TracedMe');
  expect(attribute(root, 'http.response.status_code')).toBe(200);
  // One tree: every other span's parent is in the trace.
  for (const span of spans) if (span !== root) expect(byId.has(span.parentSpanId ?? '')).toBe(true);
  // @apollo/gateway's operation spans are the request's (the gateway's provider is global).
  const operation = spans.find((s) => s.name === 'gateway.request')!;
  expect(operation.parentSpanId).toBe(root.spanId);

  for (const subgraph of ['users', 'gamification']) {
    // One fetch span per subgraph fetch of the plan (`me`, then the `_entities` of `points`),
    // under the plan's `gateway.fetch` of that subgraph...
    const fetches = spans.filter((s) => s.service === 'gateway' && s.kind === CLIENT && s.name === `POST ${subgraph}`);
    expect(fetches).toHaveLength(1);
    const fetch = fetches[0]!;
    expect(attribute(fetch, 'http.response.status_code')).toBe(200);
    expect(byId.get(fetch.parentSpanId!)).toMatchObject({ name: 'gateway.fetch' });
    expect(ancestors(fetch)).toContain(operation);
    // ...the parent of that subgraph's SERVER span (it continued the fetch's traceparent)...
    const server = serverSpanOf(subgraph)!;
    expect(server.parentSpanId).toBe(fetch.spanId);
    expect(server.name).toMatch(/^query TracedMe__/);
    // ...under which that subgraph's SQL ran, each statement a span of that subgraph.
    const statements = spans.filter((s) => attribute(s, 'db.system.name') === 'postgresql' && s.service === subgraph);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(ancestors(statement)).toContain(server);
      expect(String(attribute(statement, 'db.query.text'))).toMatch(/\S/);
    }
    // Children end within their parents.
    expect(BigInt(server.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(fetch.startTimeUnixNano));
    expect(BigInt(server.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(fetch.endTimeUnixNano));
  }
  // The gateway's own session check is in the trace too, as its SQL.
  expect(spans.some((s) => s.service === 'gateway' && attribute(s, 'db.system.name') === 'postgresql')).toBe(true);
});

test('a request without a traceparent starts a trace of its own at the gateway', async () => {
  const before = new Set(collector.spans.map((s) => s.spanId));
  expect((await stack.gql('query Untraced { events(first: 1) { totalCount } }')).errors).toBeUndefined();
  const root = await eventually(
    async () => {
      await stack.flushTraces();
      return collector.spans.find((s) => !before.has(s.spanId) && s.name === 'query Untraced');
    },
    { what: 'the request span' },
  );
  expect(root.service).toBe('gateway');
  expect(root.parentSpanId ?? '').toBe('');
  expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
});

test('tracing off: no tracing is built and a subgraph fetch carries no traceparent, even in a traced context', async () => {
  expect(startTracing(loadConfig({ NODE_ENV: 'test' }), 'gateway')).toBeUndefined();

  const received: http.IncomingHttpHeaders[] = [];
  const subgraph = http.createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}'));
  });
  await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
  const client = new SubgraphClient({
    name: 'untraced',
    url: `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`,
    timeoutMs: 10_000,
    mutationTimeoutMs: 10_000,
    connections: 1,
    keepAliveMs: 1_000,
    breakerFailures: 5,
    breakerHalfOpenMs: 1_000,
    logger: createLogger('test', 'silent'),
  });
  try {
    // A span is active (as a client's traceparent would make one), yet without a tracer the
    // gateway adds no header of its own.
    const active = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const answer = await context.with(active, () =>
      client.post('{"query":"{ ok }"}', { 'content-type': 'application/json' }, true),
    );
    expect(answer.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]!.traceparent).toBeUndefined();
    expect(received[0]!.tracestate).toBeUndefined();
  } finally {
    await client.close();
    await new Promise((resolve) => subgraph.close(resolve));
  }
});
