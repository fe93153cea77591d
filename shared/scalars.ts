import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO-8601 instants in UTC. Accepts ISO strings as input; always serializes to `toISOString()`. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in time, as an ISO-8601 string in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    return parseIso(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return parseIso(ast.value);
  },
});

function parseIso(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw new GraphQLError('DateTime must be an ISO-8601 string such as 2026-01-31T18:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`Invalid DateTime: ${value}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

/**
 * Whole numbers beyond GraphQL's 32-bit `Int` (sums of money in minor units), as JSON numbers:
 * exact up to 2^53 - 1, which no sum of cents this platform keeps comes near.
 */
export const LongScalar = new GraphQLScalarType<number, number>({
  name: 'Long',
  description: 'A whole number that may exceed 32 bits, as a JSON number (exact up to 2^53 - 1).',
  serialize(value) {
    const n = typeof value === 'bigint' ? Number(value) : Number(value);
    if (!Number.isSafeInteger(n)) throw new GraphQLError('Long cannot represent a non-integer or unsafe value');
    return n;
  },
  parseValue(value) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      throw new GraphQLError('Long must be a whole number', { extensions: { code: 'BAD_USER_INPUT' } });
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('Long must be a whole number');
    const n = Number(ast.value);
    if (!Number.isSafeInteger(n)) throw new GraphQLError('Long must be a whole number up to 2^53 - 1');
    return n;
  },
});
