import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import type { Config } from '../../shared/config';
import type { Viewer } from '../../shared/auth/tokens';

/** What the gateway knows about each HTTP request; subgraph calls are built from it. */
export interface GatewayContext {
  /** Verified viewer, or `null` for an anonymous request (subgraphs decide what it may do). */
  viewer: Viewer | null;
  /** The client's `Authorization` header, already verified; forwarded as is. */
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

/**
 * How the gateway calls a subgraph. Every call carries the subgraph secret (when configured),
 * so subgraphs can refuse callers that go around the gateway. Client operations also carry the
 * verified `Authorization` header (subgraphs verify it again), the request id, and the client
 * address as the gateway saw it. The client's own `x-forwarded-for` is never passed on: a
 * subgraph trusts that header from the gateway (rate limits key on it), so it must not be
 * client-controlled.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly subgraphSecret: string | undefined,
  ) {
    super({ url });
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
    if (context.authorization) headers.set('authorization', context.authorization);
    headers.set('x-request-id', context.requestId);
    headers.set('x-forwarded-for', context.clientIp);
  }
}
