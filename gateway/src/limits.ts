/**
 * Operation limits enforced before any subgraph is called. Kept apart from the HTTP server so
 * the WebSocket (subscriptions) path applies exactly the same ones:
 *
 * - at parse: at most `maxTokens` tokens (graphql-js's own `maxTokens` parse option);
 * - at validation (`limitRules`): depth (below), aliases and directives (graphql-armor's
 *   rules), root fields, and at most one of each single-use mutation (`register`, `login`,
 *   `checkout`...) per request;
 * - once the variables are known (`costRefusal`): the operation's cost, where a list counts
 *   its selection as many times as the page it asks for (`first`, from the literal, the
 *   variable or the schema's default), against a lower budget for anonymous callers.
 *
 * Every refusal is `GRAPHQL_VALIDATION_FAILED` (HTTP 400) with a message naming the limit.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../shared/errors';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface OperationLimits {
  /** Deepest accepted field nesting (`MAX_QUERY_DEPTH`). */
  maxDepth: number;
  /** Aliased fields per operation, fragments included (`MAX_QUERY_ALIASES`). */
  maxAliases: number;
  /** Directives per operation (`MAX_QUERY_DIRECTIVES`). */
  maxDirectives: number;
  /** Fields at the root of an operation (`MAX_QUERY_ROOT_FIELDS`). */
  maxRootFields: number;
}

export interface CostBudgets {
  /** Signed-in callers (`MAX_QUERY_COST`). */
  signedIn: number;
  /** Anonymous callers (`MAX_QUERY_COST_ANONYMOUS`). */
  anonymous: number;
}

/**
 * Root mutations that cost a password hash, a payment or an account each, so a request may
 * ask for one of a kind: 12 aliased `register`s in one request would otherwise create 12
 * accounts past every per-request throttle.
 */
export const SINGLE_USE_MUTATIONS: readonly string[] = [
  'register',
  'login',
  'refreshSession',
  'changePassword',
  'checkout',
  'refundOrder',
  'redeemReward',
  'createSupportTicket',
  'createWidgetTicket',
];

/** A limit's refusal: `GRAPHQL_VALIDATION_FAILED`, with the limit and what was found. */
function limitError(message: string, extensions: Record<string, unknown>, nodes?: FieldNode[]): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, ...extensions },
  });
}

/**
 * graphql-armor's rules throw their error unless told to report it; reported, graphql's
 * `validate` returns it with the others (Apollo answers `GRAPHQL_VALIDATION_FAILED`, 400).
 */
const armorReporting = {
  propagateOnRejection: false,
  exposeLimits: true,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
    },
  ],
};

/** The validation rules to add to graphql's standard ones, for HTTP and WebSocket alike. */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [
    depthLimitRule(limits.maxDepth),
    maxAliasesRule({ n: limits.maxAliases, ...armorReporting }),
    maxDirectivesRule({ n: limits.maxDirectives, ...armorReporting }),
    rootFieldsRule(limits.maxRootFields),
    singleUseMutationsRule(SINGLE_USE_MUTATIONS),
  ];
}

/** The root fields of a selection set, through fragments (each fragment counted once per spread). */
function rootFields(context: ValidationContext, selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(context, selection.selectionSet, seen));
    else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // A cycle or an unknown fragment is reported by graphql's own rules.
      if (!fragment || seen.has(name)) continue;
      seen.add(name);
      fields.push(...rootFields(context, fragment.selectionSet, seen));
      seen.delete(name);
    }
  }
  return fields;
}

/** Refuses an operation with more than `max` root fields (`__typename` included). */
export function rootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const count = rootFields(context, operation.selectionSet).length;
      if (count > max) {
        context.reportError(
          limitError(`The operation has ${count} root fields; the limit is ${max}.`, {
            maxRootFields: max,
            rootFields: count,
          }),
        );
      }
    },
  });
}

/** Refuses a mutation that asks for one of `names` more than once (aliased or not). */
export function singleUseMutationsRule(names: readonly string[]): ValidationRule {
  const singleUse = new Set(names);
  return (context) => ({
    OperationDefinition(operation) {
      if (operation.operation !== OperationTypeNode.MUTATION) return;
      const counts = new Map<string, FieldNode[]>();
      for (const field of rootFields(context, operation.selectionSet)) {
        if (!singleUse.has(field.name.value)) continue;
        counts.set(field.name.value, [...(counts.get(field.name.value) ?? []), field]);
      }
      for (const [name, fields] of counts) {
        if (fields.length < 2) continue;
        context.reportError(
          limitError(
            `Mutation.${name} may be asked once per request; this one asks ${fields.length} times.`,
            { singleUseMutation: name, count: fields.length },
            fields,
          ),
        );
      }
    },
  });
}

/**
 * Refuses an operation whose field nesting is deeper than `maxDepth`. `{ a { b } }` has depth 2;
 * fragments (spread or inline) count as the fields they contain, so hiding nesting in fragments
 * does not help.
 *
 * Introspection meta-fields (`__schema`, `__type`) are not counted: the introspection query
 * Sandbox sends is legitimately deep, its size is bounded by the schema, and whether it is
 * allowed at all is the `introspection` setting's decision (off in production).
 *
 * Apollo Server reports the error as `GRAPHQL_VALIDATION_FAILED` with HTTP 400.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    // Depth of each fragment's own selection set, computed once per document: a document
    // whose fragments each spread the next one several times would otherwise cost
    // exponential time. Fragment cycles are invalid (NoFragmentCyclesRule reports them), but
    // every rule sees the document before that verdict, so a cycle must not loop here.
    const fragmentDepths = new Map<string, number>();
    const inProgress = new Set<string>();

    const depthOf = (selectionSet: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        switch (selection.kind) {
          case Kind.FIELD:
            if (selection.name.value.startsWith('__')) continue;
            deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0));
            break;
          case Kind.INLINE_FRAGMENT:
            deepest = Math.max(deepest, depthOf(selection.selectionSet));
            break;
          case Kind.FRAGMENT_SPREAD:
            deepest = Math.max(deepest, fragmentDepth(selection.name.value));
            break;
        }
      }
      return deepest;
    };

    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // An unknown fragment or a cycle is reported by graphql's own rules.
      if (!fragment || inProgress.has(name)) return 0;
      inProgress.add(name);
      const depth = depthOf(fragment.selectionSet);
      inProgress.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };

    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet);
        if (depth <= maxDepth) return;
        const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
        context.reportError(
          new GraphQLError(`${name} is nested ${depth} levels deep; the limit is ${maxDepth}.`, {
            nodes: [operation],
            extensions: { maxDepth, depth },
          }),
        );
      },
    };
  };
}

/**
 * How many items a list field's selection is counted for when no `first` says it: lists
 * without paging (a user's badges, an order's lines, an event's ticket types) are short.
 */
export const UNPAGED_LIST_SIZE = 10;

/**
 * The cost of an operation: every field counts 1, and a field's selection counts as many
 * times as the items it returns: `first` (the literal, the variable's value, or the schema's
 * default for the argument) for a paged field, whose connection's `edges`/`nodes` list is
 * then not counted again, and UNPAGED_LIST_SIZE for other lists. Fragments count as the
 * fields they contain, where they are spread; introspection counts nothing (bounded by the
 * schema, and off in production).
 *
 * Unknown fields and fragment cycles cost 0: validation has refused those documents already.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const values = variables ?? {};
  const inProgress = new Set<string>();

  const intValue = (node: ValueNode | undefined): number | undefined => {
    if (!node) return undefined;
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      const value = values[node.name.value];
      return typeof value === 'number' ? value : undefined;
    }
    return undefined;
  };

  /** The items a field returns, for its selection: `first`, or a default for a list. */
  const itemsOf = (field: FieldNode, definition: GraphQLField<unknown, unknown>, paged: boolean) => {
    const firstArg = definition.args.find((a) => a.name === 'first');
    if (firstArg) {
      const given = intValue(field.arguments?.find((a) => a.name.value === 'first')?.value);
      const fallback = typeof firstArg.defaultValue === 'number' ? firstArg.defaultValue : UNPAGED_LIST_SIZE;
      return { items: Math.max(1, given ?? fallback), paged: true };
    }
    if (isListType(getNullableType(definition.type))) return { items: paged ? 1 : UNPAGED_LIST_SIZE, paged: false };
    return { items: 1, paged };
  };

  const fieldsOf = (type: GraphQLCompositeType) =>
    isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;

  const costOf = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, paged: boolean): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const name = selection.name.value;
          if (name.startsWith('__')) continue;
          const definition = fieldsOf(type)?.[name];
          if (!definition) continue;
          cost += 1;
          if (!selection.selectionSet) continue;
          const child = getNamedType(definition.type);
          if (!isCompositeType(child)) continue;
          const { items, paged: childPaged } = itemsOf(selection, definition, paged);
          cost += items * costOf(selection.selectionSet, child, childPaged);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition && schema.getType(selection.typeCondition.name.value);
          const on = condition && isCompositeType(condition) ? condition : type;
          cost += costOf(selection.selectionSet, on, paged);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || inProgress.has(name)) continue;
          const condition = schema.getType(fragment.typeCondition.name.value);
          inProgress.add(name);
          cost += costOf(fragment.selectionSet, condition && isCompositeType(condition) ? condition : type, paged);
          inProgress.delete(name);
          break;
        }
      }
    }
    return cost;
  };

  return costOf(operation.selectionSet, rootType, false);
}

/** `GRAPHQL_VALIDATION_FAILED` when the operation costs more than the caller's budget. */
export function costRefusal(budgets: CostBudgets, signedIn: boolean, cost: number): GraphQLError | undefined {
  const maxCost = signedIn ? budgets.signedIn : budgets.anonymous;
  if (cost <= maxCost) return undefined;
  const who = signedIn ? '' : ' for anonymous callers (sign in for more)';
  return limitError(`The operation costs ${cost}; the limit is ${maxCost}${who}.`, { cost, maxCost });
}

/** Who spends a cost budget: a signed-in caller by user id, an anonymous one by address. */
export interface Caller {
  userId?: string;
  clientIp: string;
}

/**
 * The budget per minute is spent evenly: a sixth of it in any window of this many seconds. A
 * minute's whole budget taken at once was the flood's burst (13 of the costliest accepted
 * anonymous queries in the same second), which is what kept other clients waiting.
 */
const COST_WINDOW_SECONDS = 10;

/**
 * The cost each caller may spend per minute (rate-limiter-flexible, in this process's memory),
 * in windows of COST_WINDOW_SECONDS: a signed-in caller by user id, an anonymous one by address.
 * One operation's own budget (MAX_QUERY_COST) must fit a window. `spend` answers the refusal,
 * RATE_LIMITED with `retryAfterSeconds`, once a caller's minute is spent; `spent` answers the
 * same refusal, without spending, when any request would be refused (a refused spend counts
 * too, so a caller who keeps asking stays spent until the minute is over).
 */
export function costRate(perMinute: CostBudgets) {
  const limiters = {
    signedIn: new RateLimiterMemory({ points: perWindow(perMinute.signedIn), duration: COST_WINDOW_SECONDS }),
    anonymous: new RateLimiterMemory({ points: perWindow(perMinute.anonymous), duration: COST_WINDOW_SECONDS }),
  };
  const limiterOf = (caller: Caller) =>
    caller.userId ? ([limiters.signedIn, caller.userId] as const) : ([limiters.anonymous, caller.clientIp] as const);
  const refusal = (res: RateLimiterRes) =>
    new GraphQLError('Too much query cost in the last minute; slow down or sign in for more', {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
        http: { status: 429 },
      },
    });
  return {
    async spend(caller: Caller, cost: number): Promise<GraphQLError | undefined> {
      const [limiter, key] = limiterOf(caller);
      try {
        await limiter.consume(key, cost);
        return undefined;
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        return refusal(refused);
      }
    },
    async spent(caller: Caller): Promise<GraphQLError | undefined> {
      const [limiter, key] = limiterOf(caller);
      const res = await limiter.get(key);
      // Past the budget (not at it: a request that costs nothing still fits a budget spent exactly).
      return res && res.consumedPoints > limiter.points ? refusal(res) : undefined;
    },
  };
}
export type CostRate = ReturnType<typeof costRate>;

/** A window's share of a budget per minute (the test stack's unlimited budget stays unlimited). */
export function perWindow(perMinute: number): number {
  return Math.max(1, Math.floor((perMinute * COST_WINDOW_SECONDS) / 60));
}

/**
 * The cost checks over HTTP, once Apollo has resolved the operation (variables known): the
 * operation's budget, then the caller's budget per minute.
 */
export function costLimitPlugin<TContext extends { viewer: { userId: string } | null; clientIp: string }>(
  budgets: CostBudgets,
  rate: CostRate,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, contextValue }) {
          const signedIn = contextValue.viewer != null;
          const cost = operationCost(schema, document, request.operationName, request.variables);
          const refusal = costRefusal(budgets, signedIn, cost);
          if (refusal) {
            refusal.extensions.http = { status: 400 };
            throw refusal;
          }
          const limited = await rate.spend(
            { userId: contextValue.viewer?.userId, clientIp: contextValue.clientIp },
            cost,
          );
          if (limited) throw limited;
        },
      };
    },
  };
}
