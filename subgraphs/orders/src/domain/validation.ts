import { badInput } from '../../../../shared/errors';

/** Input rules of the orders domain. Each check throws `BAD_USER_INPUT` naming the field. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Most units of one line (cart or order). */
export const MAX_LINE_QUANTITY = 100;
/** Most lines of one checkout. */
export const MAX_LINES = 50;

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

export function currency(field: string, value: string): string {
  const upper = value.trim().toUpperCase();
  if (!CURRENCY.test(upper)) throw badInput(field, `${field} must be an ISO 4217 code such as EUR`);
  return upper;
}

export function country(field: string, value: string): string {
  const upper = value.trim().toUpperCase();
  if (!COUNTRY.test(upper)) throw badInput(field, `${field} must be an ISO 3166-1 alpha-2 code such as ES`);
  return upper;
}

export function slug(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > 140 || !SLUG.test(trimmed)) throw badInput(field, `${field} must be lower-case words joined by hyphens`);
  return trimmed;
}

export function priceCents(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 100_000_000) throw badInput(field, `${field} must be a whole number of cents, 0 or more`);
  return value;
}

export function quantity(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_LINE_QUANTITY) {
    throw badInput(field, `${field} must be between 1 and ${MAX_LINE_QUANTITY}`);
  }
  return value;
}

export function images(field: string, values: string[]): string[] {
  if (values.length > 10) throw badInput(field, `${field} holds at most 10 URLs`);
  return values.map((v, i) => {
    let parsed: URL;
    try {
      parsed = new URL(v.trim());
    } catch {
      throw badInput(`${field}.${i}`, `${field}.${i} is not a URL`);
    }
    if (!['http:', 'https:'].includes(parsed.protocol) || v.length > 2048) {
      throw badInput(`${field}.${i}`, `${field}.${i} must be an http(s) URL`);
    }
    return parsed.toString();
  });
}

/** A line names exactly one of a product and a ticket type. */
export function lineTarget(
  field: string,
  line: { productId?: string | null; ticketTypeId?: string | null },
): { productId: string; ticketTypeId: null } | { productId: null; ticketTypeId: string } {
  if (line.productId && !line.ticketTypeId) return { productId: uuid(`${field}.productId`, line.productId), ticketTypeId: null };
  if (line.ticketTypeId && !line.productId) return { productId: null, ticketTypeId: uuid(`${field}.ticketTypeId`, line.ticketTypeId) };
  throw badInput(field, `${field} must give exactly one of productId and ticketTypeId`);
}
