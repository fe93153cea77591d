/** Input rules of the orders domain. Each check throws `BAD_USER_INPUT` naming the field. */
import { badInput } from '../../../../shared/errors';
import { country, currency, text, uuid } from '../../../../shared/validation';

export { country, currency, text, uuid };

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Most units of one line (cart or order). */
export const MAX_LINE_QUANTITY = 100;
/** Most lines of one checkout. */
export const MAX_LINES = 50;

export function slug(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > 140 || !SLUG.test(trimmed))
    throw badInput(field, `${field} must be lower-case words joined by hyphens`);
  return trimmed;
}

export function priceCents(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 100_000_000)
    throw badInput(field, `${field} must be a whole number of cents, 0 or more`);
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
  if (line.productId && !line.ticketTypeId)
    return { productId: uuid(`${field}.productId`, line.productId), ticketTypeId: null };
  if (line.ticketTypeId && !line.productId)
    return { productId: null, ticketTypeId: uuid(`${field}.ticketTypeId`, line.ticketTypeId) };
  throw badInput(field, `${field} must give exactly one of productId and ticketTypeId`);
}
