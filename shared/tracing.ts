/**
 * OpenTelemetry traces, one per request across the gateway and the subgraphs: a SERVER span per
 * HTTP request to `/graphql` (continuing the caller's W3C `traceparent`), the gateway's own
 * spans (@apollo/gateway's `gateway.request`, `gateway.plan`, `gateway.execute`, `gateway.fetch`
 * per fetch of the plan), a CLIENT span per subgraph fetch whose `traceparent` the subgraph
 * continues, and a span per SQL statement a traced request runs. Exported over OTLP/HTTP (JSON)
 * to `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; without that variable nothing is built: no
 * provider, no spans, no header, no wrapper around the database adapter.
 *
 * Instrumentation is explicit (no require hooks: they would not run under jest or tsx, and each
 * span here is one we chose). Each service has a provider of its own (its `service.name`), so
 * services run in one process, as the tests run them, still report as themselves.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { RequestHandler } from 'express';
import type { Config } from './config';

export interface Tracing {
  /** The `service.name` of this service's spans. */
  readonly serviceName: string;
  readonly tracer: Tracer;
  /** Exports what is buffered now (spans are sent in batches, every few seconds). */
  flush(): Promise<void>;
  /** Exports what is left and stops; spans started after are dropped. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

/** The tracer of the service whose request is active: database spans are that service's. */
const TRACER = createContextKey('ticketing.tracer');

let contextManagerRegistered = false;

/**
 * The service's tracing when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else undefined (off).
 * `global` also makes it the process's global provider, which @apollo/gateway's own spans use:
 * the gateway's, once per process (the process entry's; in tests, the gateway's alone).
 */
export function startTracing(config: Config, service: string, options: { global?: boolean } = {}): Tracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  if (!contextManagerRegistered) {
    // Carries the active span across awaits; one per process, shared by every service in it.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerRegistered = true;
  }
  const serviceName = config.OTEL_SERVICE_NAME ?? service;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: new URL('v1/traces', withSlash(endpoint)).toString() }),
      }),
    ],
  });
  const registered = options.global === true && trace.setGlobalTracerProvider(provider);
  return {
    serviceName,
    tracer: provider.getTracer('ticketing-supergraph'),
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (registered) trace.disable();
      await provider.shutdown();
    },
  };
}

/** `http://collector:4318/base` → `http://collector:4318/base/`, so `v1/traces` goes below it. */
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * Express middleware of a traced service: one SERVER span per request, a child of the caller's
 * `traceparent` when it sent one (the gateway continues its client's, a subgraph the gateway's),
 * active for the rest of the chain and ended when the response is. The request and response
 * emitters are bound to it too: body parsing resumes in their callbacks, which would otherwise
 * run outside the request's context and lose the span.
 */
export function serverSpans(tracing: Tracing): RequestHandler {
  return (req, res, next) => {
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const path = `${req.baseUrl}${req.path}`;
    const span = tracing.tracer.startSpan(
      `${req.method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const active = trace.setSpan(parent, span).setValue(TRACER, tracing.tracer);
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}

/**
 * Names the request's SERVER span after its operation once it is known (`query EventPage`; a
 * subgraph's fetches are named by the gateway's planner, `EventPage__tickets__1`), with the
 * operation's name and type as attributes.
 */
export function operationSpanNaming<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const span = trace.getActiveSpan();
          if (!span || !operation) return;
          span.updateName(`${operation.operation} ${operationName ?? '(anonymous)'}`);
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
      };
    },
  };
}

/**
 * A CLIENT span for one outgoing call, a child of the active span, and the call's headers with
 * the span's `traceparent` added: the callee's SERVER span becomes its child.
 */
export function startClientSpan(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  headers: Record<string, string>,
): { span: Span; headers: Record<string, string> } {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const carrier = { ...headers };
  propagator.inject(trace.setSpan(context.active(), span), carrier, defaultTextMapSetter);
  return { span, headers: carrier };
}

/** Ends a span with an error status and the error recorded. */
export function endWithError(span: Span, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  span.recordException(err instanceof Error ? err : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}

/** `SELECT "users"."users" ...` → `SELECT users.users`: the statement's verb and first table. */
function statementName(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
  const table = /\b(?:FROM|INTO|UPDATE)\s+("?\w+"?(?:\."?\w+"?)?)/i.exec(sql)?.[1]?.replaceAll('"', '');
  return table ? `${verb} ${table}` : verb;
}

/**
 * Runs one SQL statement in a span of the service whose traced request is active, a child of
 * that request's active span. Outside a traced request (event workers, relays, start-up) there
 * is no span: a worker's polls would otherwise start a trace each.
 */
export function inDatabaseSpan<T>(sql: string, run: () => Promise<T>): Promise<T> {
  const active: Context = context.active();
  const tracer = active.getValue(TRACER) as Tracer | undefined;
  if (!tracer) return run();
  const span = tracer.startSpan(
    statementName(sql),
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': sql },
    },
    active,
  );
  return run().then(
    (result) => {
      span.end();
      return result;
    },
    (err: unknown) => {
      endWithError(span, err);
      throw err;
    },
  );
}
