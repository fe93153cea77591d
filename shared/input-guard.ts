/**
 * The input edge every service shares: before any resolver runs, every string a request
 * carries into an argument (inline literals, variables, nested input objects, lists, variable
 * defaults) is checked for what no field accepts:
 *
 * - a NUL character (`\u0000`): Postgres refuses it in text, so it would surface as an internal
 *   error from deep inside a transaction;
 * - more than `MAX_INPUT_STRING_LENGTH` characters: the longest text any field stores is
 *   10,000 characters (an event description); fields with lower limits check their own
 *   before touching the database, and this bounds what reaches them.
 *
 * A violation is `BAD_USER_INPUT` naming the argument path (e.g. `input.email`,
 * `input.lines.2.note`), answered with HTTP 400 as graphql's own input errors are.
 * The gateway runs it for HTTP and WebSocket operations, and every subgraph runs it too, so a
 * caller that reaches a subgraph directly meets the same edge.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  getOperationAST,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { DomainError, ErrorCode } from './errors';

export const MAX_INPUT_STRING_LENGTH = 10_000;

/** Why a string is refused, or undefined when it is fine. */
function stringProblem(value: string, field: string): string | undefined {
  if (value.includes('\u0000')) return `${field} must not contain NUL characters`;
  if (value.length > MAX_INPUT_STRING_LENGTH) return `${field} must be at most ${MAX_INPUT_STRING_LENGTH} characters`;
  return undefined;
}

/** Thrown inside the walk to stop at the first refused string; becomes a DomainError. */
class Violation extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const join = (path: (string | number)[]) => path.join('.');

/** Walks a JSON value (a variable's value) for refused strings. */
function checkJson(value: unknown, path: (string | number)[], depth = 0): void {
  // Variables are parsed JSON, so they are trees; the depth bound only guards the stack.
  if (depth > 64) return;
  if (typeof value === 'string') {
    const problem = stringProblem(value, join(path));
    if (problem) throw new Violation(join(path), problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, [...path, i], depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = stringProblem(key, join([...path, key]));
      if (keyProblem) throw new Violation(join(path), keyProblem);
      checkJson(item, [...path, key], depth + 1);
    }
  }
}

/**
 * Walks an argument's literal value; a variable inside it is checked with the variable's
 * value, under the argument's path (so `login(input: $input)` names `input.email`).
 */
function checkLiteral(node: ValueNode, path: (string | number)[], variables: Record<string, unknown>): void {
  switch (node.kind) {
    case Kind.STRING: {
      const problem = stringProblem(node.value, join(path));
      if (problem) throw new Violation(join(path), problem);
      break;
    }
    case Kind.ENUM:
      // An enum literal is a name, checked against the schema by validation.
      break;
    case Kind.LIST:
      node.values.forEach((item, i) => checkLiteral(item, [...path, i], variables));
      break;
    case Kind.OBJECT:
      for (const field of node.fields) checkLiteral(field.value, [...path, field.name.value], variables);
      break;
    case Kind.VARIABLE:
      checkJson(variables[node.name.value], path);
      break;
    default:
      break;
  }
}

/**
 * The first refused string in the operation's arguments, as a `BAD_USER_INPUT` error, or
 * undefined. Only the executed operation and the fragments in the document are walked.
 */
export function inputViolation(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): DomainError | undefined {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined;
  const values = variables ?? {};
  try {
    const walked: (OperationDefinitionNode | FragmentDefinitionNode)[] = [
      operation,
      ...document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION),
    ];
    for (const node of walked) {
      visit(node, {
        Argument(argument) {
          checkLiteral(argument.value, [argument.name.value], values);
        },
      });
    }
    // Then what no argument reached (an unused variable, a default), under the variable's name.
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (name in values) checkJson(values[name], [name]);
      else if (definition.defaultValue) checkLiteral(definition.defaultValue, [name], values);
    }
  } catch (err) {
    if (!(err instanceof Violation)) throw err;
    return new DomainError(ErrorCode.BAD_USER_INPUT, err.message, { field: err.field });
  }
  return undefined;
}

/** The Apollo Server plugin form: refuses the request before execution. */
export function inputGuardPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const violation = inputViolation(document, request.operationName, request.variables);
          if (violation) {
            // Refused before execution, like graphql's own input errors: HTTP 400.
            violation.extensions.http = { status: 400 };
            throw violation;
          }
        },
      };
    },
  };
}
