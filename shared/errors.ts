import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The one list of error codes clients can rely on (`extensions.code`). Expected failures are
 * raised as `DomainError` with one of these; anything else is a bug and is masked outside
 * development.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** A line of a checkout cannot be served (capacity or stock); `field` names the line. */
  SOLD_OUT = 'SOLD_OUT',
  /**
   * A dependency cannot serve the operation now (a subscription's subgraph stays unreachable,
   * or the supergraph changed under a live subscription); retrying later may succeed.
   */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const EXPECTED_CODES = new Set<string>(Object.values(ErrorCode));
/** Codes Apollo Server itself raises for malformed requests; safe to show as they are. */
const SERVER_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export const unauthenticated = (message = 'Authentication required') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Not allowed') => new DomainError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
/** `field`, when given, is the input path whose value conflicts, e.g. `input.email`. */
export const conflict = (message: string, field?: string) =>
  new DomainError(ErrorCode.CONFLICT, message, field ? { field } : {});
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
/** `field` is the input path of the line that cannot be served, e.g. `input.lines.2`. */
export const soldOut = (message: string, field: string) => new DomainError(ErrorCode.SOLD_OUT, message, { field });
/** `field` is the input path at fault, e.g. `input.email`. */
export const badInput = (field: string, message: string) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, { field });

/**
 * Apollo Server `formatError`: keeps expected errors as they are and, unless `exposeDetails`,
 * replaces anything else (a bug, a database error with SQL in it) by a generic message, and
 * strips stack traces.
 */
export function createErrorFormatter(exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const raw = formatted.extensions?.code;
    const code = typeof raw === 'string' ? raw : '';
    if (EXPECTED_CODES.has(code) && code !== (ErrorCode.INTERNAL_SERVER_ERROR as string)) {
      return withoutStack(formatted);
    }
    if (SERVER_CODES.has(code) || exposeDetails) return withoutStack(formatted, exposeDetails);
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

function withoutStack(formatted: GraphQLFormattedError, keepStack = false): GraphQLFormattedError {
  if (keepStack || !formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _omit, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
