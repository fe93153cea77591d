import { ApolloServer } from '@apollo/server';
import { createErrorFormatter, notFound } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { MAX_OPERATION_NAMES, operationLabel, registry } from '../../shared/metrics';
import { accessLogging, unexpectedErrorLogging } from '../../shared/request-logging';

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

describe('access log', () => {
  async function serve(query: string, resolve: () => unknown) {
    const logger = recordingLogger();
    const server = new ApolloServer<{ requestId: string }>({
      typeDefs: 'type Query { thing: String }',
      resolvers: { Query: { thing: resolve } },
      formatError: createErrorFormatter(false),
      plugins: [accessLogging('access-test', logger)],
    });
    await server.start();
    await server.executeOperation({ query }, { contextValue: { requestId: 'req-7' } });
    await server.stop();
    return logger.lines;
  }

  test('one line per request: id, operation, duration, status and error codes', async () => {
    const lines = await serve('query Thing { thing }', () => {
      throw notFound('Thing');
    });
    expect(lines).toEqual([
      {
        level: 'info',
        msg: 'request',
        requestId: 'req-7',
        operationName: 'Thing',
        operationType: 'query',
        durationMs: expect.any(Number) as number,
        status: 200,
        errors: ['NOT_FOUND'],
      },
    ]);
  });

  test('a refused document is logged with its code and no operation', async () => {
    const lines = await serve('{ nope }', () => 'x');
    expect(lines).toEqual([
      expect.objectContaining({ operationName: null, status: 400, errors: ['GRAPHQL_VALIDATION_FAILED'] }),
    ]);
  });

  test('the same figures reach /metrics, a code-less error counted as INTERNAL_SERVER_ERROR', async () => {
    await serve('query Broken { thing }', () => {
      throw new Error('boom');
    });
    const text = await registry.metrics();
    expect(text).toMatch(
      /graphql_operation_duration_seconds_count\{service="access-test",operation="Broken",type="query"\} 1\b/,
    );
    expect(text).toMatch(/graphql_errors_total\{service="access-test",code="INTERNAL_SERVER_ERROR"\} 1\b/);
  });
});

test('operation names label metrics only while bounded: junk and names past the cap are "other"', () => {
  expect(operationLabel('label-test', undefined)).toBe('anonymous');
  expect(operationLabel('label-test', 'x'.repeat(65))).toBe('other');
  expect(operationLabel('label-test', 'has space')).toBe('other');
  for (let i = 0; i < MAX_OPERATION_NAMES; i++) expect(operationLabel('label-test', `Op${i}`)).toBe(`Op${i}`);
  expect(operationLabel('label-test', 'OneTooMany')).toBe('other');
  expect(operationLabel('label-test', 'Op0')).toBe('Op0');
});
