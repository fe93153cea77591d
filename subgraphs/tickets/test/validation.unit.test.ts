/** The input rules of the tickets domain: each refuses with BAD_USER_INPUT naming the field. */
import { int, nonce, ordered, required, timezone } from '../src/domain/validation';

/** The `code` and `field` of what `fn` throws (undefined when it does not throw). */
function refusal(fn: () => unknown): { code: unknown; field: unknown } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    const extensions = (err as { extensions?: Record<string, unknown> }).extensions ?? {};
    return { code: extensions.code, field: extensions.field };
  }
}
const refused = (field: string) => ({ code: 'BAD_USER_INPUT', field });

describe('tickets input rules', () => {
  test('timezone: IANA names the runtime knows, trimmed', () => {
    expect(timezone('tz', ' Europe/Madrid ')).toBe('Europe/Madrid');
    for (const bad of ['', 'Mars/Olympus', 'x'.repeat(65)])
      expect(refusal(() => timezone('tz', bad))).toEqual(refused('tz'));
  });

  test('int: integers within the bounds', () => {
    expect(int('n', 5, 1, 5)).toBe(5);
    for (const bad of [0, 6, 2.5, Number.NaN]) expect(refusal(() => int('n', bad, 1, 5))).toEqual(refused('n'));
  });

  test('nonce: 8 to 128 printable ASCII characters', () => {
    expect(nonce('input.nonce', 'scan-0001')).toBe('scan-0001');
    for (const bad of ['short', 'x'.repeat(129), 'with space', 'ñandú-nonce'])
      expect(refusal(() => nonce('input.nonce', bad))).toEqual(refused('input.nonce'));
  });

  test('ordered: the end strictly after the start, blaming the end', () => {
    const start = new Date('2026-01-01T10:00:00Z');
    expect(refusal(() => ordered('endsAt', start, new Date('2026-01-01T10:00:01Z'), 'startsAt'))).toBeUndefined();
    expect(refusal(() => ordered('endsAt', start, start, 'startsAt'))).toEqual(refused('endsAt'));
  });

  test('required: left out is fine, cleared is not', () => {
    expect(required('input.name', undefined)).toBeUndefined();
    expect(required('input.name', 'A')).toBe('A');
    expect(refusal(() => required('input.name', null))).toEqual(refused('input.name'));
  });
});
