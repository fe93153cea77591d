/**
 * Prometheus metrics of a service, served at `/metrics` (prom-client).
 *
 * One registry per process, with a `service` label on what a service records: in production each
 * service is its own process, and where several run in one process (the tests) their series
 * stay apart. Gauges that cost a query (pool, outbox and consumer lag) are read at scrape time,
 * never on the request path.
 *
 * Label values a client chooses (operation names) are bounded: past `MAX_OPERATION_NAMES`
 * distinct names a service records `other`, so a caller cannot grow the registry without end.
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { secretMatches } from './auth/secret';
import { oldestUnpublishedAgeSeconds } from './events/outbox-lag';
import type { Logger } from './logger';
import type { Pool } from './pg';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const operationDuration = new Histogram({
  name: 'graphql_operation_duration_seconds',
  help: 'GraphQL operations served, by service, operation name and type, with their duration.',
  labelNames: ['service', 'operation', 'type'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const operationErrors = new Counter({
  name: 'graphql_errors_total',
  help: 'Errors in GraphQL responses, by service and error code.',
  labelNames: ['service', 'code'] as const,
  registers: [registry],
});

export const subgraphFetchDuration = new Histogram({
  name: 'gateway_subgraph_fetch_duration_seconds',
  help: "The gateway's fetches from subgraphs, by subgraph and outcome (ok, unavailable, error), with their duration.",
  labelNames: ['subgraph', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const webSocketConnections = new Gauge({
  name: 'gateway_websocket_connections',
  help: "Clients connected to the gateway's WebSocket (graphql-ws).",
  registers: [registry],
});

export const activeSubscriptions = new Gauge({
  name: 'gateway_subscriptions',
  help: 'Client subscriptions the gateway is serving now.',
  registers: [registry],
});

export const eventsDelivered = new Counter({
  name: 'events_delivered_total',
  help: 'Domain events applied by a consumer (redeliveries it skipped are not counted), by consumer and event type.',
  labelNames: ['consumer', 'type'] as const,
  registers: [registry],
});

export const eventBatchFallbacks = new Counter({
  name: 'events_batch_fallbacks_total',
  help: 'Batches a consumer could not apply in one transaction and applied one event at a time instead (a rising count means the batched path keeps failing: figures stay exact, throughput drops).',
  labelNames: ['consumer'] as const,
  registers: [registry],
});

const poolConnections = new Gauge({
  name: 'db_pool_connections',
  help: "A service's Postgres pool: connections open (total), idle, and requests waiting for one (waiting).",
  labelNames: ['service', 'state'] as const,
  registers: [registry],
});

const outboxLag = new Gauge({
  name: 'events_outbox_lag_seconds',
  help: 'Age of the oldest domain event not yet published by a relay (0 when none is waiting).',
  labelNames: ['service'] as const,
  registers: [registry],
});

const consumerLagGauge = new Gauge({
  name: 'events_consumer_lag',
  help: 'Published domain events a consumer has not applied yet, by consumer.',
  labelNames: ['consumer'] as const,
  registers: [registry],
});

/** Distinct operation names a service records before it records `other`. */
export const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const seenOperations = new Map<string, Set<string>>();

/** The label for an operation name: the name itself while the service has room, else `other`. */
export function operationLabel(service: string, name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'other';
  let seen = seenOperations.get(service);
  if (!seen) seenOperations.set(service, (seen = new Set()));
  if (seen.has(name)) return name;
  if (seen.size >= MAX_OPERATION_NAMES) return 'other';
  seen.add(name);
  return name;
}

const scrapeHooks = new Set<() => Promise<void> | void>();

/**
 * Runs `collect` before every scrape (to set gauges from state that is read, not counted).
 * The returned function removes it (on shutdown).
 */
export function onScrape(collect: () => Promise<void> | void): () => void {
  scrapeHooks.add(collect);
  return () => scrapeHooks.delete(collect);
}

/**
 * Reports a service's pool and the event pipeline's lag at each scrape. A failing lag query
 * leaves the last values and logs a warning: a scrape must not fail because the database is
 * down (the pool gauges show that).
 */
export function watchService(target: {
  service: string;
  /** The service's Postgres pool (`poolOf(db)` under a Prisma client). */
  pool: Pool;
  /** How far behind each consumer is (the transport's own measure: `consumerLag` in events/bus). */
  consumerLag?(): Promise<{ consumer: string; lag: number }[]>;
  logger: Logger;
}): () => void {
  const { service, pool, logger } = target;
  return onScrape(async () => {
    poolConnections.set({ service, state: 'total' }, pool.totalCount);
    poolConnections.set({ service, state: 'idle' }, pool.idleCount);
    poolConnections.set({ service, state: 'waiting' }, pool.waitingCount);
    try {
      outboxLag.set({ service }, await oldestUnpublishedAgeSeconds(pool));
      for (const { consumer, lag } of (await target.consumerLag?.()) ?? []) consumerLagGauge.set({ consumer }, lag);
    } catch (err) {
      logger.warn('metrics: event lag unavailable', { error: (err as Error).message });
    }
  });
}

/**
 * `GET /metrics` in Prometheus' text format. With `token` set, only a scraper presenting it as
 * `Authorization: Bearer <token>` is served; without one the route is open in development and
 * absent (404) in production, where what a service's internals look like is nobody's business
 * but the operator's.
 */
export interface MetricsAccess {
  token: string | undefined;
  isProduction: boolean;
}

export function metricsRoute(options: MetricsAccess): RequestHandler {
  return (req, res, next) => {
    if (!options.token && options.isProduction) return next();
    if (options.token && !secretMatches(`Bearer ${options.token}`, req.header('authorization'))) {
      res.status(401).type('text/plain').send('Unauthorized\n');
      return;
    }
    Promise.all([...scrapeHooks].map(async (collect) => collect()))
      .then(() => registry.metrics())
      .then((text) => {
        res.type(registry.contentType).send(text);
      })
      .catch(next);
  };
}
