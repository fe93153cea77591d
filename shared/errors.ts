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
  /** An upload whose content (sniffed from its first bytes, not its name) is not an accepted type. */
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  /** An upload larger than the configured limit. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  // Request-level refusals, before any resolver runs; the same codes Apollo Server uses.
  /** The request is not a GraphQL request we accept (no operation, a mutation over WebSocket...). */
  BAD_REQUEST = 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  /** The operation does not validate against the schema, or exceeds a limit (depth, cost...). */
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED',
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',
}

/** Failures the caller caused or may retry: shown as they are (without stack traces). */
const EXPECTED_CODES = new Set<string>(
  [
    ErrorCode.UNAUTHENTICATED,
    ErrorCode.FORBIDDEN,
    ErrorCode.BAD_USER_INPUT,
    ErrorCode.NOT_FOUND,
    ErrorCode.CONFLICT,
    ErrorCode.RATE_LIMITED,
    ErrorCode.SOLD_OUT,
    ErrorCode.SERVICE_UNAVAILABLE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.PAYLOAD_TOO_LARGE,
  ].map(String),
);
/** Request-level refusals: safe to show, and in development so is their detail. */
const SERVER_CODES = new Set<string>(
  [
    ErrorCode.GRAPHQL_PARSE_FAILED,
    ErrorCode.GRAPHQL_VALIDATION_FAILED,
    ErrorCode.BAD_REQUEST,
    ErrorCode.PERSISTED_QUERY_NOT_FOUND,
    ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
    ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ].map(String),
);

/** Is this `extensions.code` an expected failure (anything else is a bug, logged and masked)? */
export function isExpectedCode(code: unknown): boolean {
  return typeof code === 'string' && (EXPECTED_CODES.has(code) || SERVER_CODES.has(code));
}

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

/** The retry hint of a request refused because the database could not serve it in time. */
export const POOL_EXHAUSTED_RETRY_AFTER_MS = 1000;

/**
 * Did this fail because the database could not serve it, rather than because of this request:
 * no pooled connection became free in time (Prisma's "Unable to start a transaction in the
 * given time", its pool timeout P2024, node-postgres' connect timeout on a full pool), or the
 * database is unreachable or going away (refused or reset connections, "Connection terminated",
 * Prisma's P1001/P1017, Postgres' shutdown codes 57P01-57P03)? Either is load or an outage, for
 * the caller to retry, not a bug. The error arrives wrapped (a GraphQLError around Prisma's,
 * around the driver's), so its causes are followed.
 */
export function isPoolExhaustion(error: unknown): boolean {
  return someCause(
    error,
    ({ code, kind, message }) =>
      (typeof code === 'string' && DATABASE_UNAVAILABLE_CODES.has(code)) ||
      (typeof kind === 'string' && DATABASE_UNAVAILABLE_KINDS.has(kind)) ||
      (typeof message === 'string' && DATABASE_UNAVAILABLE_MESSAGE.test(message)),
  );
}

/**
 * Did this fail because Redis is unreachable: a command that timed out (shared/redis.ts bounds
 * every command, those queued while reconnecting included), ran out of retries, or met a
 * closed connection? An outage, for the caller to retry.
 */
export function isRedisUnavailable(error: unknown): boolean {
  return someCause(
    error,
    ({ name, message }) =>
      name === 'MaxRetriesPerRequestError' || (typeof message === 'string' && REDIS_UNAVAILABLE_MESSAGE.test(message)),
  );
}
const REDIS_UNAVAILABLE_MESSAGE = /^(Command timed out|Connection is closed\.|Stream isn't writeable)/;

interface ErrorFields {
  code?: unknown;
  kind?: unknown;
  name?: unknown;
  message?: unknown;
  originalError?: unknown;
  cause?: unknown;
}

/** Does `error`, or what it wraps (a GraphQLError's `originalError`, a `cause`), pass `test`? */
function someCause(error: unknown, test: (fields: ErrorFields) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const fields = current as ErrorFields;
    if (test(fields)) return true;
    current = fields.originalError ?? fields.cause;
  }
  return false;
}
const DATABASE_UNAVAILABLE_CODES = new Set([
  'P2024',
  'P1001',
  'P1017',
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
]);
/** Prisma's driver-adapter error kinds for a database that cannot be reached. */
const DATABASE_UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
const DATABASE_UNAVAILABLE_MESSAGE =
  /Unable to start a transaction in the given time|timeout exceeded when trying to connect|Timed out fetching a new connection from the connection pool|Connection terminated|connect ECONNREFUSED|Can't reach database server|Server has closed the connection|terminating connection due to administrator command|the database system is (shutting down|starting up)/;

/**
 * Apollo Server `formatError`: keeps expected errors as they are, answers an exhausted database
 * pool, an unreachable database or an unreachable Redis with a retryable SERVICE_UNAVAILABLE
 * (`retryAfterMs`) and, unless `exposeDetails`,
 * replaces anything else (a bug, a database error with SQL in it) by a generic message, and
 * strips stack traces.
 */
export function createErrorFormatter(exposeDetails: boolean, options: { hideSuggestions?: boolean } = {}) {
  const format = (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const raw = formatted.extensions?.code;
    const code = typeof raw === 'string' ? raw : '';
    const unexpected = !code || code === String(ErrorCode.INTERNAL_SERVER_ERROR);
    if (unexpected && (isPoolExhaustion(error) || isRedisUnavailable(error))) {
      return {
        message: isPoolExhaustion(error)
          ? 'The service is busy (no database connection became free in time); retry shortly'
          : 'The service cannot reach Redis right now; retry shortly',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfterMs: POOL_EXHAUSTED_RETRY_AFTER_MS },
      };
    }
    if (EXPECTED_CODES.has(code)) {
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
  if (!options.hideSuggestions) return format;
  // graphql-js's "Did you mean ...?" hints (unknown fields, arguments, types, enum values in
  // variables) name parts of the schema; in production introspection is off, so are they.
  return (formatted: GraphQLFormattedError, error?: unknown) => {
    const result = format(formatted, error);
    return { ...result, message: result.message.replace(SUGGESTION, '') };
  };
}

const SUGGESTION = / ?Did you mean .+\?$/s;

function withoutStack(formatted: GraphQLFormattedError, keepStack = false): GraphQLFormattedError {
  if (keepStack || !formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _omit, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
