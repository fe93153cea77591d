import type { ApolloServerPlugin } from '@apollo/server';
import { isExpectedCode, isPoolExhaustion } from './errors';
import type { Logger } from './logger';

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
