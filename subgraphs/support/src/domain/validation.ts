/** Input rules of the support domain. Each check throws `BAD_USER_INPUT` naming the field. */
import { badInput } from '../../../../shared/errors';
import { email, locale, text, uuid } from '../../../../shared/validation';

export { email, locale, text, uuid };

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Longest message body, in characters (the column holds this much). */
const MAX_BODY = 20_000;

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  return value == null || value.trim() === '' ? null : text(field, value, { max });
}

export function body(field: string, value: string): string {
  return text(field, value, { min: 1, max: MAX_BODY });
}

export function optionalUuid(field: string, value: string | null | undefined): string | null {
  return value == null ? null : uuid(field, value);
}

export function slug(field: string, value: string): string {
  if (value.length > 100 || !SLUG.test(value))
    throw badInput(field, `${field} must be lower-case letters, digits and dashes`);
  return value;
}

export function intBetween(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `${field} must be between ${min} and ${max}`);
  return value;
}

export function tags(field: string, values: string[]): string[] {
  if (values.length > 20) throw badInput(field, `${field}: at most 20 tags`);
  return [...new Set(values.map((t, i) => text(`${field}.${i}`, t, { min: 1, max: 40 }).toLowerCase()))];
}
