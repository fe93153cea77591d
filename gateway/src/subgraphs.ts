import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Tracer } from '@opentelemetry/api';
import { GraphQLError, Kind, parse, type ConstDirectiveNode } from 'graphql';
import { ErrorCode } from '../../shared/errors';
import type { Config } from '../../shared/config';
import { CREDENTIAL_HEADER, type CredentialSigner } from '../../shared/auth/credential';
import type { Viewer } from '../../shared/auth/tokens';
import type { Logger } from '../../shared/logger';
import { SubgraphClient, SubgraphUnavailableError, type SubgraphAnswer } from './subgraph-client';

/** What the gateway knows about each HTTP request; subgraph calls are built from it. */
export interface GatewayContext {
  /** Verified viewer, or `null` for an anonymous request (subgraphs decide what it may do). */
  viewer: Viewer | null;
  /**
   * The viewer credential subgraph fetches carry (`x-viewer-credential`): minted once per
   * request from the verified viewer, so subgraphs check a signature instead of the token and
   * its session again.
   */
  credential?: string;
  /**
   * The client's verified `Authorization` header, forwarded as is only when the gateway has no
   * credential signing key (development without `npm start`): subgraphs then verify it.
   */
  authorization?: string;
  requestId: string;
  /** The peer address the gateway saw; sent to subgraphs as `x-forwarded-for`. */
  clientIp: string;
}

export interface SubgraphEndpoint {
  /** The subgraph's name in the supergraph (`users`, `tickets`, ...). */
  name: string;
  /** Its GraphQL URL: the supergraph's routing URL unless `SUBGRAPH_<NAME>_URL` overrides it. */
  url: string;
}

/** The URL the gateway routes a subgraph's requests to: its `SUBGRAPH_<NAME>_URL` override, if set. */
export function routingUrlFor(config: Config, endpoint: SubgraphEndpoint): string {
  return config.subgraphUrls[endpoint.name] ?? endpoint.url;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

/**
 * The subgraphs of a supergraph SDL, read from its `join__Graph` enum
 * (`USERS @join__graph(name: "users", url: "...")`), with `SUBGRAPH_<NAME>_URL` overrides
 * applied. Assumes the join spec is linked under its default name, as composition writes it.
 */
export function subgraphEndpoints(supergraphSdl: string, config: Config): SubgraphEndpoint[] {
  const graphs = parse(supergraphSdl).definitions.find(
    (d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (graphs?.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error('The supergraph SDL has no join__Graph enum');
  return (graphs.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const name = directive && stringArgument(directive, 'name');
    const url = directive && stringArgument(directive, 'url');
    if (!name || !url) throw new Error(`join__Graph.${value.name.value} has no @join__graph(name, url)`);
    return { name, url: routingUrlFor(config, { name, url }) };
  });
}

/**
 * A subgraph's liveness URL: `health` next to its GraphQL path
 * (`http://host:4001/graphql` → `http://host:4001/health`), as `shared/subgraph.ts` serves it.
 */
export function healthUrlOf(routingUrl: string): string {
  return new URL('health', routingUrl).toString();
}

export interface SubgraphClients {
  /** The client of a subgraph at a URL, built on first use. */
  for(name: string, url: string): SubgraphClient;
  /** Every client, by subgraph name (the latest one when a subgraph moved). */
  byName(): Map<string, SubgraphClient>;
  close(): Promise<void>;
}

/**
 * One HTTP client per subgraph URL, built from the settings, kept across supergraph updates
 * (the gateway builds new data sources on each one; their pools must not pile up).
 */
export function subgraphClients(config: Config, logger: Logger, tracer?: Tracer): SubgraphClients {
  const clients = new Map<string, SubgraphClient>();
  return {
    for(name: string, url: string): SubgraphClient {
      const key = `${name} ${url}`;
      let client = clients.get(key);
      if (!client) {
        client = new SubgraphClient({
          name,
          url,
          timeoutMs: config.subgraphTimeoutsMs[name] ?? config.SUBGRAPH_TIMEOUT_MS,
          mutationTimeoutMs: config.SUBGRAPH_MUTATION_TIMEOUT_MS,
          connections: config.SUBGRAPH_CONNECTIONS,
          keepAliveMs: config.SUBGRAPH_KEEP_ALIVE_MS,
          breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
          breakerHalfOpenMs: config.SUBGRAPH_BREAKER_HALF_OPEN_MS,
          logger,
          tracer,
        });
        clients.set(key, client);
      }
      return client;
    },
    byName(): Map<string, SubgraphClient> {
      return new Map([...clients.values()].map((c) => [c.name, c]));
    },
    async close(): Promise<void> {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

/**
 * How subgraph fetches for this viewer name it: the gateway's credential when it has a signing
 * key, else the client's own (verified) `Authorization` header.
 */
export function viewerIdentity(
  viewer: Viewer | null,
  authorization: string | undefined,
  sign: CredentialSigner | undefined,
): Pick<GatewayContext, 'credential' | 'authorization'> {
  if (!sign) return { authorization };
  return viewer ? { credential: sign(viewer) } : {};
}

/** Who a deduplicated fetch is for: the same viewer, roles and session get the same answer. */
function viewerKey(viewer: Viewer | null): string {
  return viewer ? `viewer:${viewer.userId} ${viewer.sessionId} ${viewer.roles.join(',')}\n` : '';
}

/** A subgraph fetch the client may send twice and share: a query (the gateway writes `query ...` or `{...}`). */
const QUERY_DOCUMENT = /^\s*(?:query\b|\{)/;
/** Headers that differ between identical fetches without changing their answer. */
const NOT_IN_DEDUP_KEY = new Set(['x-request-id', 'traceparent', 'tracestate', CREDENTIAL_HEADER]);

/**
 * The headers of one subgraph fetch: a plain map with the interface `willSendRequest` expects
 * (`request.http.headers.set(...)`), instead of a node-fetch or WHATWG `Headers` per fetch.
 * Names are lower-cased, as HTTP/1.1 treats them.
 */
class FetchHeaders implements Iterable<[string, string]> {
  private readonly map = new Map<string, string>();
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
  /**
   * Anything that may change the answer, in a stable order. The viewer credential differs per
   * request (its expiry), so the fetch's viewer stands for it (`viewerKey`).
   */
  dedupKey(): string {
    let key = '';
    for (const [name, value] of [...this.map].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!NOT_IN_DEDUP_KEY.has(name)) key += `${name}:${value}\n`;
    }
    return key;
  }
}

/**
 * How the gateway calls a subgraph. Every call carries the subgraph secret (when configured),
 * so subgraphs can refuse callers that go around the gateway. Client operations also carry the
 * viewer credential (or, without a signing key, the verified `Authorization` header, which
 * subgraphs then verify again), the request id, and the client
 * address as the gateway saw it. The client's own `x-forwarded-for` is never passed on: a
 * subgraph trusts that header from the gateway (rate limits key on it), so it must not be
 * client-controlled.
 *
 * The HTTP exchange is `SubgraphClient`'s (keep-alive pool, retry, deadline, circuit breaker,
 * in-flight deduplication of queries). A subgraph that cannot answer does not fail the whole
 * operation: its fetch answers a `SERVICE_UNAVAILABLE` error (the gateway adds
 * `extensions.serviceName`), its fields are null, and the rest of the plan runs.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly client: SubgraphClient,
    private readonly subgraphSecret: string | undefined,
    private readonly deduplicate: boolean,
  ) {
    // The gateway keeps no response cache, so subgraphs' Cache-Control headers have nothing to restrict.
    super({ url: client.url, honorSubgraphCacheControlHeader: false });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // `process` always sets `request.http` before calling this hook.
    const headers = options.request.http!.headers;
    if (this.subgraphSecret) headers.set('x-subgraph-secret', this.subgraphSecret);
    // Health checks and schema loading (IntrospectAndCompose) run outside any client request;
    // only client operations carry `incomingRequestContext` (the package does not export the
    // `kind` enum to test instead).
    if (!('incomingRequestContext' in options)) return;
    const { context } = options;
    if (context.credential) headers.set(CREDENTIAL_HEADER, context.credential);
    if (context.authorization) headers.set('authorization', context.authorization);
    headers.set('x-request-id', context.requestId);
    headers.set('x-forwarded-for', context.clientIp);
  }

  /**
   * RemoteGraphQLDataSource's `process`, on our client: the same hook (`willSendRequest`) and
   * the same request body, without its per-fetch node-fetch `Request` and `Headers`.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const headers = new FetchHeaders();
    for (const [name, value] of request.http?.headers ?? []) headers.append(name, value);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    // Our hook is synchronous (an override in a subclass must stay so, or be awaited here).
    this.willSendRequest(options);
    if (!request.query) throw new Error('Missing query');
    const { http: _http, ...body } = request;
    const text = JSON.stringify(body);
    const isQuery = QUERY_DOCUMENT.test(request.query);
    try {
      const answer = await this.client.post(
        text,
        headers.toObject(),
        isQuery,
        isQuery && this.deduplicate
          ? `${headers.dedupKey()}${'incomingRequestContext' in options ? viewerKey(options.context.viewer) : ''}${text}`
          : undefined,
      );
      return parseAnswer(answer);
    } catch (err) {
      if (!(err instanceof SubgraphUnavailableError)) throw err;
      return {
        errors: [
          {
            message: err.message,
            extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfterMs: err.retryAfterMs },
          },
        ],
      };
    }
  }
}

/**
 * A subgraph's answer as RemoteGraphQLDataSource reads it: JSON on 2xx, an error otherwise;
 * except a 400 whose errors are all BAD_USER_INPUT, which is the caller's mistake told by the
 * subgraph (a variable its scalar refuses, such as a malformed DateTime: the gateway passes
 * custom scalars through unparsed), so its errors reach the caller as they are.
 */
function parseAnswer(answer: SubgraphAnswer): GatewayGraphQLResponse {
  const json = answer.contentType?.includes('json') ?? false;
  if (answer.status === 400 && json) {
    const parsed = JSON.parse(answer.body) as GatewayGraphQLResponse;
    const errors = parsed.errors ?? [];
    if (errors.length && errors.every((e) => e.extensions?.code === ErrorCode.BAD_USER_INPUT)) return { errors };
  }
  if (answer.status < 200 || answer.status >= 300) {
    const extensions: Record<string, unknown> = {
      response: { status: answer.status, body: json ? (JSON.parse(answer.body) as unknown) : answer.body },
    };
    if (answer.status === 401) extensions.code = ErrorCode.UNAUTHENTICATED;
    else if (answer.status === 403) extensions.code = ErrorCode.FORBIDDEN;
    throw new GraphQLError(`${answer.status}: ${STATUS_CODES[answer.status] ?? ''}`, { extensions });
  }
  const parsed: unknown = json ? JSON.parse(answer.body) : answer.body;
  if (typeof parsed !== 'object' || parsed === null) {
    throw new Error(`Expected JSON response body, but received: ${answer.body.slice(0, 200)}`);
  }
  return parsed;
}
