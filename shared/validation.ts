/**
 * Input checks every domain uses. Each throws `BAD_USER_INPUT` naming the field (the input path,
 * e.g. `input.email`) and returns the normalised value. Domain-specific rules stay in each
 * subgraph's `domain/validation.ts`, which re-exports these.
 */
import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function uuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}

export function text(field: string, value: string, { min = 0, max }: { min?: number; max: number }): string {
  const trimmed = value.trim();
  if (trimmed.length < min)
    throw badInput(field, min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

/** RFC 5321's limit on a forward path; the email columns hold this many characters. */
export const MAX_EMAIL_LENGTH = 254;

export function email(field: string, value: string): string {
  const normalized = value.trim().toLowerCase();
  if (normalized.length > MAX_EMAIL_LENGTH || !EMAIL.test(normalized))
    throw badInput(field, 'Enter a valid email address');
  return normalized;
}

export function locale(field: string, value: string): string {
  if (!LOCALE.test(value)) throw badInput(field, 'Locale must be a tag such as es-ES or en');
  return value;
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

/** The canonical name of an IANA time zone the runtime knows (e.g. `Europe/Madrid`), or undefined. */
export function knownTimeZone(value: string): string | undefined {
  const name = value.trim();
  if (name === '' || name.length > 64) return undefined;
  try {
    // Throws RangeError for a zone the ICU data does not know.
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** An IANA time zone name the runtime knows, e.g. `Europe/Madrid`. */
export function timezone(field: string, value: string): string {
  const name = knownTimeZone(value);
  if (!name) throw badInput(field, `${field} must be an IANA time zone such as Europe/Madrid`);
  return value.trim();
}
