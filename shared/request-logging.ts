import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, isExpectedCode, isPoolExhaustion, isRedisUnavailable } from './errors';
import type { Logger } from './logger';
import { operationDuration, operationErrors, operationLabel } from './metrics';

/**
 * Logs every unexpected error of a request where it happens, with the request's id, before
 * `formatError` masks it for the caller: the caller sees "Internal server error", the log keeps
 * the message, path and stack. Expected failures (domain codes, request refusals) are not logged.
 *
 * `isRemote` tells errors this service only relays (the gateway relays subgraphs' errors, which
 * the subgraph that raised them has logged under the same request id).
 */
export function unexpectedErrorLogging<TContext extends { requestId: string }>(
  logger: Logger,
  isRemote: (extensions: Record<string, unknown>) => boolean = () => false,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            // `extensions` is typed as always present, but errors built outside graphql-js may lack it.
            const extensions: Record<string, unknown> = error.extensions ?? {};
            if (isExpectedCode(extensions.code) || isRemote(extensions)) continue;
            // Load, not a bug: the caller gets a retryable SERVICE_UNAVAILABLE; one line, no stack.
            if (isPoolExhaustion(error)) {
              logger.warn('database pool exhausted', { requestId: contextValue.requestId, operationName });
              continue;
            }
            if (isRedisUnavailable(error)) {
              logger.warn('redis unavailable', { requestId: contextValue.requestId, operationName });
              continue;
            }
            const cause = error.originalError ?? error;
            logger.error('unexpected error', {
              requestId: contextValue.requestId,
              operationName,
              path: error.path?.join('.'),
              error: cause.message,
              stack: cause.stack,
            });
          }
        },
      };
    },
  };
}

/**
 * One access-log line per GraphQL request over HTTP (request id, operation name and type,
 * duration, HTTP status, error codes), and the same figures into `/metrics`. A code-less error
 * counts as INTERNAL_SERVER_ERROR, which is what the caller is shown for it.
 */
export function accessLogging<TContext extends { requestId: string }>(
  service: string,
  logger: Logger,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const codes = new Set<string>();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = (error.extensions ?? {}).code;
            codes.add(typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR);
          }
        },
        async willSendResponse({ response, operationName, operation }) {
          const durationMs = performance.now() - started;
          const type = operation?.operation ?? 'unknown';
          operationDuration.observe(
            { service, operation: operationLabel(service, operationName), type },
            durationMs / 1000,
          );
          for (const code of codes) operationErrors.inc({ service, code });
          logger.info('request', {
            requestId: contextValue.requestId,
            operationName: operationName ?? null,
            operationType: type,
            durationMs: Math.round(durationMs * 10) / 10,
            status: response.http.status ?? 200,
            errors: [...codes],
          });
        },
      };
    },
  };
}
