import {
  InterfaceType,
  ObjectType,
  Supergraph,
  baseType,
  operationFromDocument,
  type Schema,
} from '@apollo/federation-internals';
import type { GraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner, type FetchNode, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { PUBLIC_DIRECTIVE, PUBLIC_SPEC_IDENTITY } from '../../../shared/auth/public-fields';
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
  /** The supergraph as federation-internals (its fields carry the composed `@public`). */
  private readonly schema: Schema;
  /** `@public`'s name in this supergraph; undefined when no subgraph uses it. */
  private readonly publicDirective?: string;
  private readonly publicRests = new WeakMap<SubscriptionNode, boolean>();

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
    this.schema = supergraph.schema;
    this.publicDirective = this.schema.coreFeatures
      ?.getByIdentity(PUBLIC_SPEC_IDENTITY)
      ?.directiveNameInSchema(PUBLIC_DIRECTIVE);
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

  /**
   * Whether every fetch of the plan's rest selects only `@public` fields (a plan without a rest
   * too): its result then depends on the event and the operation alone, not on the viewer.
   */
  hasPublicRest(node: SubscriptionNode): boolean {
    let known = this.publicRests.get(node);
    if (known === undefined) {
      known = !node.rest || this.isPublicNode(node.rest);
      this.publicRests.set(node, known);
    }
    return known;
  }

  private isPublicNode(node: PlanNode): boolean {
    switch (node.kind) {
      case 'Fetch':
        return this.isPublicFetch(node);
      case 'Flatten':
        return this.isPublicNode(node.node);
      case 'Sequence':
      case 'Parallel':
        return node.nodes.every((child) => this.isPublicNode(child));
      case 'Condition':
        return [node.ifClause, node.elseClause].every((child) => !child || this.isPublicNode(child));
      default:
        return false; // @defer: not planned for subscriptions; treated as viewer-dependent.
    }
  }

  /**
   * A fetch selects only `@public` fields (and `__typename`), at every depth. The root field
   * `_entities` itself is the reference resolution of the types below it: a subgraph that marks
   * an entity's field `@public` resolves references to it for anyone (and one that does not
   * answers an anonymous fetch with an error or null, never with someone else's data).
   */
  private isPublicFetch(fetch: FetchNode): boolean {
    if (!this.publicDirective) return false;
    const document = parse(fetch.operation);
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operation?.kind !== Kind.OPERATION_DEFINITION) return false;
    const directive = this.publicDirective;
    const visit = (selectionSet: SelectionSetNode, typeName: string | undefined, root: boolean): boolean =>
      selectionSet.selections.every((selection) => {
        if (selection.kind === Kind.INLINE_FRAGMENT)
          return visit(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, false);
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          return !!fragment && visit(fragment.selectionSet, fragment.typeCondition.name.value, false);
        }
        const name = selection.name.value;
        if (name === '__typename') return true;
        if (root && name === '_entities')
          return !!selection.selectionSet && visit(selection.selectionSet, undefined, false);
        const type = typeName ? this.schema.type(typeName) : undefined;
        if (!(type instanceof ObjectType || type instanceof InterfaceType)) return false;
        const field = type.field(name);
        if (!field || field.appliedDirectivesOf(directive).length === 0) return false;
        return !selection.selectionSet || visit(selection.selectionSet, baseType(field.type!).name, false);
      });
    return visit(operation.selectionSet, undefined, true);
  }
}
