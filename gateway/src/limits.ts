/**
 * Operation limits enforced at validation, before any subgraph is called. Kept apart from the
 * HTTP server so the WebSocket (subscriptions) path validates with exactly the same rules.
 */
import { GraphQLError, Kind, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

export interface OperationLimits {
  /** Deepest accepted field nesting (`MAX_QUERY_DEPTH`). */
  maxDepth: number;
}

/** The validation rules to add to graphql's standard ones, for HTTP and WebSocket alike. */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth)];
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
