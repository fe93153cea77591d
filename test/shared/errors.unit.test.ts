import { GraphQLError } from 'graphql';
import { createErrorFormatter, ErrorCode, POOL_EXHAUSTED_RETRY_AFTER_MS } from '../../shared/errors';

const format = createErrorFormatter(false);
/** What Apollo hands `formatError`: the formatted error and the GraphQLError around the cause. */
const formatted = (cause: Error) => {
  const error = new GraphQLError(cause.message, { originalError: cause });
  return format(error.toJSON(), error);
};

test('Redis unreachable (a timed-out, closed or out-of-retries command) is a retryable SERVICE_UNAVAILABLE', () => {
  const outOfRetries = Object.assign(new Error('Reached the max retries per request limit (which is 20).'), {
    name: 'MaxRetriesPerRequestError',
  });
  for (const cause of [new Error('Command timed out'), new Error('Connection is closed.'), outOfRetries]) {
    expect(formatted(cause).extensions).toEqual({
      code: ErrorCode.SERVICE_UNAVAILABLE,
      retryAfterMs: POOL_EXHAUSTED_RETRY_AFTER_MS,
    });
  }
});

test('any other error is still masked as an internal error', () => {
  expect(formatted(new Error('Command failed: ERR wrong number of arguments')).extensions).toEqual({
    code: ErrorCode.INTERNAL_SERVER_ERROR,
  });
});
