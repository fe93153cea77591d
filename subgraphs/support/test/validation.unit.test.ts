import type { GraphQLError } from 'graphql';
import * as valid from '../src/domain/validation';

/** The field a check refused, or undefined when it accepted the value. */
function refusedField(check: () => unknown): unknown {
  try {
    check();
    return undefined;
  } catch (err) {
    expect((err as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (err as GraphQLError).extensions.field;
  }
}

describe('support input rules', () => {
  test('tags: trimmed, lower-cased, distinct; at most 20 of 1 to 40 characters', () => {
    expect(valid.tags('input.tags', [' Pago ', 'pago', 'Factura'])).toEqual(['pago', 'factura']);
    expect(refusedField(() => valid.tags('input.tags', Array(21).fill('x')))).toBe('input.tags');
    expect(refusedField(() => valid.tags('input.tags', ['ok', '']))).toBe('input.tags.1');
    expect(refusedField(() => valid.tags('input.tags', ['x'.repeat(41)]))).toBe('input.tags.0');
  });

  test('slugs: lower-case words joined by single dashes', () => {
    expect(valid.slug('input.slug', 'pagos-y-reembolsos')).toBe('pagos-y-reembolsos');
    for (const bad of ['Pagos', 'pagos--x', '-pagos', 'pagos ', 'x'.repeat(101)])
      expect(refusedField(() => valid.slug('input.slug', bad))).toBe('input.slug');
  });

  test('bounded integers, optional text and ids', () => {
    expect(valid.intBetween('input.rating', 5, 1, 5)).toBe(5);
    for (const bad of [0, 6, 2.5])
      expect(refusedField(() => valid.intBetween('input.rating', bad, 1, 5))).toBe('input.rating');
    expect(valid.optionalText('input.comment', '   ', 10)).toBeNull();
    expect(refusedField(() => valid.optionalText('input.comment', 'x'.repeat(11), 10))).toBe('input.comment');
    expect(valid.optionalUuid('assigneeId', null)).toBeNull();
    expect(refusedField(() => valid.optionalUuid('assigneeId', 'nope'))).toBe('assigneeId');
  });

  test('message bodies: 1 to 20000 characters', () => {
    expect(refusedField(() => valid.body('input.body', ' '))).toBe('input.body');
    expect(refusedField(() => valid.body('input.body', 'x'.repeat(20_001)))).toBe('input.body');
    expect(valid.body('input.body', ' hola ')).toBe('hola');
  });
});
