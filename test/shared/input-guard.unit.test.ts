import { parse } from 'graphql';
import { likeLiteral } from '../../shared/db';
import { MAX_INPUT_STRING_LENGTH, inputViolation } from '../../shared/input-guard';

const fieldOf = (query: string, variables?: Record<string, unknown>) => {
  const error = inputViolation(parse(query), undefined, variables);
  return error && { code: error.extensions.code, field: error.extensions.field, message: error.message };
};

describe('inputViolation', () => {
  test('accepts ordinary strings, long ones up to the limit', () => {
    expect(fieldOf('{ a(x: "fine", y: ["ok"]) }')).toBeUndefined();
    expect(fieldOf('query($s: String) { a(s: $s) }', { s: 'x'.repeat(MAX_INPUT_STRING_LENGTH) })).toBeUndefined();
  });

  test.each([
    ['a literal argument', '{ a(search: "x\\u0000y") }', undefined, 'search'],
    [
      'a nested literal',
      '{ a(input: { lines: [{ note: "ok" }, { note: "\\u0000" }] }) }',
      undefined,
      'input.lines.1.note',
    ],
    [
      'a variable, named by the argument',
      'query($i: In) { a(input: $i) }',
      { i: { email: 'a\u0000@x.es' } },
      'input.email',
    ],
    ['a list in a variable', 'query($i: In) { a(input: $i) }', { i: { tags: ['a', 'b\u0000'] } }, 'input.tags.1'],
    ['a variable inside a literal', 'query($e: String) { a(input: { email: $e }) }', { e: '\u0000' }, 'input.email'],
    ['an unused variable', 'query($e: String) { a }', { e: '\u0000' }, 'e'],
    ['a variable default', 'query($e: String = "\\u0000") { a(e: $e) }', {}, 'e'],
    ['a fragment argument', '{ ...F } fragment F on Query { a(q: "\\u0000") }', undefined, 'q'],
    ['a directive argument', '{ a @include(if: true) b(q: "\\u0000") }', undefined, 'q'],
  ])('refuses a NUL in %s as BAD_USER_INPUT naming the field', (_case, query, variables, field) => {
    expect(fieldOf(query, variables)).toEqual({
      code: 'BAD_USER_INPUT',
      field,
      message: `${field} must not contain NUL characters`,
    });
  });

  test('refuses a string longer than the limit, naming the field', () => {
    expect(
      fieldOf('query($i: In) { a(input: $i) }', { i: { email: 'x'.repeat(MAX_INPUT_STRING_LENGTH + 1) } }),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.email',
      message: `input.email must be at most ${MAX_INPUT_STRING_LENGTH} characters`,
    });
  });
});

test('likeLiteral escapes the LIKE wildcards and the escape character', () => {
  expect(likeLiteral('%%')).toBe('\\%\\%');
  expect(likeLiteral('a_b\\c')).toBe('a\\_b\\\\c');
  expect(likeLiteral('plain text')).toBe('plain text');
});
