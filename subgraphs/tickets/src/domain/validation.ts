/** Input rules of the tickets domain. Each check throws `BAD_USER_INPUT` naming the field. */
import { badInput } from '../../../../shared/errors';
import { country, currency, httpUrl, text, timezone, uuid } from '../../../../shared/validation';

export { country, currency, httpUrl, text, timezone, uuid };

const NONCE = /^[\x21-\x7e]{8,128}$/;

export function int(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `${field} must be an integer from ${min} to ${max}`);
  return value;
}

/** A scanner-made id of one scan: 8 to 128 printable ASCII characters. */
export function nonce(field: string, value: string): string {
  if (!NONCE.test(value)) throw badInput(field, `${field} must be 8 to 128 printable ASCII characters`);
  return value;
}

/** `start` must come strictly before `end`; `endField` is blamed. */
export function ordered(endField: string, start: Date, end: Date, what: string): void {
  if (end.getTime() <= start.getTime()) throw badInput(endField, `${endField} must be after ${what}`);
}

/** A field that may be left out of an update (`undefined`) but not cleared (`null`). */
export function required<T>(field: string, value: T | null | undefined): T | undefined {
  if (value === null) throw badInput(field, `${field} cannot be cleared`);
  return value;
}
