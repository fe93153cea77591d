import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import type { GraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner, type SubscriptionNode } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../subgraphs';

/** Plans kept per supergraph; an operation text beyond this many is planned again each time. */
const PLAN_CACHE_SIZE = 1000;

/**
 * One loaded supergraph, as the subscription path needs it. @apollo/gateway keeps the same
 * objects privately (its `executeQueryPlan` refuses subscription plans), so we build our own
 * from the SDL it hands to `onSchemaLoadOrUpdate`, the way `ApolloGateway` does.
 */
export class SupergraphState {
  /** The API schema as graphql-js (validation, introspection); the gateway's own instance. */
  readonly apiSchema: GraphQLSchema;
  /** The API schema as federation-internals (`executeQueryPlan` shapes results with it). */
  readonly api: Schema;
  /** The supergraph schema as graphql-js (`executeQueryPlan` reads join data from it). */
  readonly supergraphSchema: GraphQLSchema;
  /** Data sources by subgraph name: the same class and routing as HTTP operations. */
  readonly services: Record<string, GraphQLDataSource<GatewayContext>>;
  /** GraphQL URL by subgraph name (routing URL, or its `SUBGRAPH_<NAME>_URL` override). */
  readonly urls: Record<string, string>;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, SubscriptionNode>();

  constructor(options: {
    coreSupergraphSdl: string;
    apiSchema: GraphQLSchema;
    routingUrl(subgraph: { name: string; url: string }): string;
    dataSource(name: string, url: string): GraphQLDataSource<GatewayContext>;
  }) {
    const supergraph = Supergraph.build(options.coreSupergraphSdl);
    this.apiSchema = options.apiSchema;
    this.api = supergraph.apiSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    this.urls = Object.fromEntries(supergraph.subgraphsMetadata().map((s) => [s.name, options.routingUrl(s)]));
    this.services = Object.fromEntries(
      Object.entries(this.urls).map(([name, url]) => [name, options.dataSource(name, url)]),
    );
  }

  /**
   * The plan of a validated subscription operation: `primary` is the fetch to open as a
   * subscription on the owning subgraph, `rest` what completes each event from other
   * subgraphs. Keyed by the operation's text, which determines the plan.
   */
  plan(source: string, document: DocumentNode, operationName: string | undefined): SubscriptionNode {
    const key = `${operationName ?? ''}\n${source}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const node = this.planner.buildQueryPlan(operationFromDocument(this.api, document, { operationName })).node;
    if (node?.kind !== 'Subscription') throw new Error('Not a subscription plan');
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.clear();
    this.plans.set(key, node);
    return node;
  }
}
