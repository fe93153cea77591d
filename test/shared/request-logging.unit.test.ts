import { ApolloServer } from '@apollo/server';
import { createErrorFormatter, notFound } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { unexpectedErrorLogging } from '../../shared/request-logging';

/** A logger that keeps its lines. */
function recordingLogger(lines: Record<string, unknown>[] = []): Logger & { lines: Record<string, unknown>[] } {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, msg, ...fields });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => recordingLogger(lines),
  };
}

async function run(resolve: () => unknown) {
  const logger = recordingLogger();
  const server = new ApolloServer<{ requestId: string }>({
    typeDefs: 'type Query { thing: String }',
    resolvers: { Query: { thing: resolve } },
    formatError: createErrorFormatter(false),
    plugins: [unexpectedErrorLogging(logger)],
  });
  await server.start();
  const response = await server.executeOperation({ query: '{ thing }' }, { contextValue: { requestId: 'req-42' } });
  await server.stop();
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { errors: response.body.singleResult.errors, lines: logger.lines };
}

test('an unexpected error is masked for the caller and logged with the request id, message and stack', async () => {
  const { errors, lines } = await run(() => {
    throw new Error('relation "secret_table" does not exist');
  });
  expect(errors).toEqual([
    expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
  ]);
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'error',
      msg: 'unexpected error',
      requestId: 'req-42',
      path: 'thing',
      error: 'relation "secret_table" does not exist',
      stack: expect.stringContaining('Error: relation'),
    }),
  ]);
});

test('an expected failure reaches the caller with its code and is not logged', async () => {
  const { errors, lines } = await run(() => {
    throw notFound('Thing');
  });
  expect(errors?.[0]).toMatchObject({ message: 'Thing not found', extensions: { code: 'NOT_FOUND' } });
  expect(lines).toEqual([]);
});

test('an error without extensions is logged, not a crash of the logger', async () => {
  const { errors, lines } = await run(() => {
    const error = new Error('raw') as Error & { extensions?: unknown };
    return Promise.reject(error);
  });
  expect(errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  expect(lines).toEqual([expect.objectContaining({ msg: 'unexpected error', error: 'raw' })]);
});
