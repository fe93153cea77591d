import { badInput } from '../../../../shared/errors';

/** Input rules of the users domain. Each check throws `BAD_USER_INPUT` naming the field. */

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHONE = /^\+[0-9]{7,15}$/;
const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export function email(field: string, value: string): string {
  const normalized = value.trim().toLowerCase();
  if (normalized.length > 254 || !EMAIL.test(normalized)) throw badInput(field, 'Enter a valid email address');
  return normalized;
}

export function password(field: string, value: string): string {
  if (value.length < 8) throw badInput(field, 'Password must be at least 8 characters');
  if (value.length > 128) throw badInput(field, 'Password must be at most 128 characters');
  return value;
}

export function text(field: string, value: string, { min = 0, max }: { min?: number; max: number }): string {
  const trimmed = value.trim();
  if (trimmed.length < min) throw badInput(field, min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

export function uuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function phone(field: string, value: string): string {
  const compact = value.replace(/[\s()-]/g, '');
  if (!PHONE.test(compact)) throw badInput(field, 'Phone must be in international format, e.g. +34600123456');
  return compact;
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
