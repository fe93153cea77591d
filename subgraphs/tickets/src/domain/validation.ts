import { badInput } from '../../../../shared/errors';

/** Input rules of the tickets domain. Each check throws `BAD_USER_INPUT` naming the field. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const NONCE = /^[\x21-\x7e]{8,128}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function uuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}

export function text(field: string, value: string, { min = 0, max }: { min?: number; max: number }): string {
  const trimmed = value.trim();
  if (trimmed.length < min) throw badInput(field, min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

export function httpUrl(field: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw badInput(field, `${field} must be an http(s) URL`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || value.length > 2048) {
    throw badInput(field, `${field} must be an http(s) URL of at most 2048 characters`);
  }
  return value;
}

export function country(field: string, value: string): string {
  const upper = value.trim().toUpperCase();
  if (!COUNTRY.test(upper)) throw badInput(field, `${field} must be an ISO 3166-1 alpha-2 code such as ES`);
  return upper;
}

export function currency(field: string, value: string): string {
  const upper = value.trim().toUpperCase();
  if (!CURRENCY.test(upper)) throw badInput(field, `${field} must be an ISO 4217 code such as EUR`);
  return upper;
}

/** An IANA time zone name the runtime knows, e.g. `Europe/Madrid`. */
export function timezone(field: string, value: string): string {
  const name = value.trim();
  try {
    // Throws RangeError for a zone the ICU data does not know.
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    throw badInput(field, `${field} must be an IANA time zone such as Europe/Madrid`);
  }
  if (name === '' || name.length > 64) throw badInput(field, `${field} must be an IANA time zone such as Europe/Madrid`);
  return name;
}

export function int(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `${field} must be an integer from ${min} to ${max}`);
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
