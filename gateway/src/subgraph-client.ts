/**
 * The gateway's HTTP client for one subgraph: an undici keep-alive pool, one retry of a request
 * that failed before the subgraph could have acted on it, a deadline per request, a circuit
 * breaker (cockatiel) that fails fast while the subgraph is down and lets one probe through to
 * bring it back, and in-flight deduplication of identical queries.
 *
 * Why not @apollo/gateway's default fetcher (make-fetch-happen over agent-base): it costs a
 * stack trace per request (agent-base's `isSecureEndpoint`), has no deadline, and retries
 * nothing; under load it showed as ~10% of the gateway's CPU.
 */
import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { Pool } from 'undici';
import type { Logger } from '../../shared/logger';
import { subgraphFetchDuration } from '../../shared/metrics';
import { endWithError, startClientSpan } from '../../shared/tracing';

export interface SubgraphClientOptions {
  /** The subgraph's name in the supergraph, for errors and logs. */
  name: string;
  /** Its GraphQL URL. */
  url: string;
  /** Deadline of one query, retry included: queued, connecting, sending and reading. */
  timeoutMs: number;
  /** Deadline of one mutation (see SUBGRAPH_MUTATION_TIMEOUT_MS: it may commit after we give up). */
  mutationTimeoutMs: number;
  /** Kept-alive connections in the pool; requests beyond these queue for a free one. */
  connections: number;
  /**
   * How long an idle connection is kept. Must stay below the subgraph's server keep-alive
   * timeout, or the server may close a socket just as the gateway reuses it.
   */
  keepAliveMs: number;
  /** Consecutive failures that open the circuit. */
  breakerFailures: number;
  /** How long the open circuit fails fast before it lets one probe through. */
  breakerHalfOpenMs: number;
  logger: Logger;
  /**
   * With tracing on: a CLIENT span per fetch sent, whose `traceparent` the request carries.
   * Absent (off): no span and no `traceparent` header.
   */
  tracer?: Tracer;
}

/** What a subgraph answered: the status and the body, not parsed (each caller parses its own copy). */
export interface SubgraphAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * The subgraph cannot serve this request now: unreachable, too slow, answering 502-504, or its
 * circuit is open. The gateway answers the fields it needed with SERVICE_UNAVAILABLE.
 */
export class SubgraphUnavailableError extends Error {
  override name = 'SubgraphUnavailableError';
  constructor(
    readonly serviceName: string,
    readonly reason: string,
    /** When a retry may succeed: the rest of the open circuit's wait, or the breaker's probe delay. */
    readonly retryAfterMs: number,
  ) {
    super(`Subgraph "${serviceName}" is unavailable: ${reason}`);
  }
}

/** The connection was never made: nothing reached the subgraph, any request may be retried. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * The connection broke before the subgraph answered (typically a kept-alive socket it closed
 * as the request went out). The request may or may not have reached it, so only a query is
 * retried; a mutation could run twice.
 */
const BROKEN_BEFORE_ANSWER = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export class SubgraphClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly breaker;
  /** Identical queries in flight: their key → the one fetch they share. */
  private readonly inFlight = new Map<string, Promise<SubgraphAnswer>>();
  /** Fetches answered from another caller's fetch (for tests and benchmarks). */
  deduplicated = 0;

  readonly url: string;
  readonly name: string;

  constructor(private readonly options: SubgraphClientOptions) {
    this.url = options.url;
    this.name = options.name;
    const url = new URL(options.url);
    this.path = `${url.pathname}${url.search}`;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      // Idle sockets leave the pool before the subgraph's server would close them (it says
      // `Keep-Alive: timeout=65`; undici would otherwise trust that hint up to the max).
      keepAliveTimeout: options.keepAliveMs,
      keepAliveMaxTimeout: options.keepAliveMs,
      // The deadlines are the per-request signal's; these only keep undici's defaults (300 s) out.
      headersTimeout: Math.max(options.timeoutMs, options.mutationTimeoutMs),
      bodyTimeout: Math.max(options.timeoutMs, options.mutationTimeoutMs),
      connect: { timeout: Math.min(options.timeoutMs, 5_000) },
    });
    this.breaker = circuitBreaker(
      handleWhen((err) => err instanceof SubgraphUnavailableError),
      {
        halfOpenAfter: options.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(options.breakerFailures),
      },
    );
    const fields = { subgraph: options.name };
    this.breaker.onBreak(() => options.logger.warn('subgraph circuit open: failing fast', fields));
    this.breaker.onHalfOpen(() => options.logger.info('subgraph circuit half-open: probing', fields));
    this.breaker.onReset(() => options.logger.info('subgraph circuit closed: subgraph answers again', fields));
  }

  /** Is the circuit open or probing (requests fail fast)? */
  get circuitOpen(): boolean {
    return this.breaker.state !== CircuitState.Closed;
  }

  /**
   * POSTs `body` to the subgraph. `retryable` marks a request that may be sent twice (a query);
   * `dedupKey`, when given, lets identical requests in flight share one fetch. Rejects with
   * `SubgraphUnavailableError` when the subgraph cannot answer.
   */
  post(body: string, headers: Record<string, string>, retryable: boolean, dedupKey?: string): Promise<SubgraphAnswer> {
    if (dedupKey === undefined) return this.timed(body, headers, retryable);
    const shared = this.inFlight.get(dedupKey);
    if (shared) {
      this.deduplicated++;
      return shared;
    }
    const fetch = this.timed(body, headers, retryable).finally(() => this.inFlight.delete(dedupKey));
    this.inFlight.set(dedupKey, fetch);
    return fetch;
  }

  /** Closes the pool (idle sockets at once, busy ones once answered); again is a no-op. */
  close(): Promise<void> {
    this.closing ??= this.pool.close();
    return this.closing;
  }
  private closing: Promise<void> | undefined;

  /**
   * A fetch as `/metrics` counts it and as its trace shows it: once per request sent (a shared
   * fetch counts once, in the trace of the request that sent it), retry included.
   */
  private async timed(body: string, headers: Record<string, string>, retryable: boolean): Promise<SubgraphAnswer> {
    const stop = subgraphFetchDuration.startTimer({ subgraph: this.name });
    const traced =
      this.options.tracer &&
      startClientSpan(
        this.options.tracer,
        `POST ${this.name}`,
        { 'graphql.subgraph.name': this.name, 'http.request.method': 'POST', 'url.full': this.url },
        headers,
      );
    try {
      const answer = await this.guarded(body, traced ? traced.headers : headers, retryable);
      stop({ outcome: 'ok' });
      if (traced) {
        traced.span.setAttribute('http.response.status_code', answer.status);
        if (answer.status >= 400) traced.span.setStatus({ code: SpanStatusCode.ERROR });
        traced.span.end();
      }
      return answer;
    } catch (err) {
      stop({ outcome: err instanceof SubgraphUnavailableError ? 'unavailable' : 'error' });
      if (traced) endWithError(traced.span, err);
      throw err;
    }
  }

  private async guarded(body: string, headers: Record<string, string>, retryable: boolean): Promise<SubgraphAnswer> {
    // While the probe is out, everyone else fails fast instead of queueing behind it (cockatiel
    // would make them wait for the probe's verdict, up to a whole timeout).
    if (this.breaker.state === CircuitState.HalfOpen) {
      throw new SubgraphUnavailableError(this.options.name, 'circuit open', this.options.breakerHalfOpenMs);
    }
    try {
      return await this.breaker.execute(() => this.send(body, headers, retryable));
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new SubgraphUnavailableError(this.options.name, 'circuit open', this.options.breakerHalfOpenMs);
      }
      throw err;
    }
  }

  private async send(body: string, headers: Record<string, string>, retryable: boolean): Promise<SubgraphAnswer> {
    const timeoutMs = retryable ? this.options.timeoutMs : this.options.mutationTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.pool.request({ path: this.path, method: 'POST', headers, body, signal });
        const text = await response.body.text();
        if (response.statusCode >= 502 && response.statusCode <= 504) {
          throw new SubgraphUnavailableError(
            this.options.name,
            `answered ${response.statusCode}`,
            this.options.breakerHalfOpenMs,
          );
        }
        const contentType = response.headers['content-type'];
        return {
          status: response.statusCode,
          contentType: Array.isArray(contentType) ? contentType[0] : contentType,
          body: text,
        };
      } catch (err) {
        if (err instanceof SubgraphUnavailableError) throw err;
        if (
          signal.aborted ||
          errorCode(err) === 'UND_ERR_HEADERS_TIMEOUT' ||
          errorCode(err) === 'UND_ERR_BODY_TIMEOUT'
        ) {
          throw new SubgraphUnavailableError(
            this.options.name,
            `no answer within ${timeoutMs} ms`,
            this.options.breakerHalfOpenMs,
          );
        }
        const code = errorCode(err);
        const again =
          attempt === 1 &&
          code !== undefined &&
          (NOT_CONNECTED.has(code) || (retryable && BROKEN_BEFORE_ANSWER.has(code)));
        if (again) continue;
        if (code !== undefined && (NOT_CONNECTED.has(code) || BROKEN_BEFORE_ANSWER.has(code))) {
          throw new SubgraphUnavailableError(this.options.name, code, this.options.breakerHalfOpenMs);
        }
        throw err;
      }
    }
  }
}
