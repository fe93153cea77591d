import { badInput } from '../../../../shared/errors';

/** Input rules of the support domain. Each check throws `BAD_USER_INPUT` naming the field. */

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Longest message body, in characters (the column holds this much). */
export const MAX_BODY = 20_000;

export function text(field: string, value: string, { min = 0, max }: { min?: number; max: number }): string {
  const trimmed = value.trim();
  if (trimmed.length < min) throw badInput(field, min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  return value == null || value.trim() === '' ? null : text(field, value, { max });
}

export function body(field: string, value: string): string {
  return text(field, value, { min: 1, max: MAX_BODY });
}

export function email(field: string, value: string): string {
  const normalized = value.trim().toLowerCase();
  if (normalized.length > 254 || !EMAIL.test(normalized)) throw badInput(field, 'Enter a valid email address');
  return normalized;
}

export function uuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}

export function optionalUuid(field: string, value: string | null | undefined): string | null {
  return value == null ? null : uuid(field, value);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function locale(field: string, value: string): string {
  if (!LOCALE.test(value)) throw badInput(field, 'Locale must be a tag such as es-ES or en');
  return value;
}

export function slug(field: string, value: string): string {
  if (value.length > 100 || !SLUG.test(value)) throw badInput(field, `${field} must be lower-case letters, digits and dashes`);
  return value;
}

export function intBetween(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `${field} must be between ${min} and ${max}`);
  return value;
}

export function tags(field: string, values: string[]): string[] {
  if (values.length > 20) throw badInput(field, `${field}: at most 20 tags`);
  return [...new Set(values.map((t, i) => text(`${field}.${i}`, t, { min: 1, max: 40 }).toLowerCase()))];
}
