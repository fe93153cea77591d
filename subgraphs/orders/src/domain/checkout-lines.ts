import { createHash } from 'node:crypto';
import type { Db } from '../../../../shared/db';
import { badInput, conflict, soldOut } from '../../../../shared/errors';
import * as catalog from '../data/catalog';
import * as inventory from '../data/inventory';
import * as valid from './validation';

/**
 * What checkout does with the requested lines before it holds anything: checks them, prices
 * them from current rows, reads the shipping address, and hashes them for idempotency.
 */

export interface LineInput {
  productId?: string | null;
  ticketTypeId?: string | null;
  quantity: number;
}

export interface AddressInput {
  recipient: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export interface CheckoutInput {
  idempotencyKey: string;
  lines?: LineInput[] | null;
  shippingAddress?: AddressInput | null;
}

/** A requested line with everything checkout needs to hold and price it. */
export interface PricedLine {
  index: number;
  field: string;
  productId: string | null;
  ticketTypeId: string | null;
  eventId: string | null;
  sellerId: string;
  /** A product's category (null: a ticket line, or a product without one). */
  categoryId: string | null;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  label: string;
}

/** The SOLD_OUT of a ticket line, from the read above or from its hold. */
export const notEnoughTickets = (label: string, field: string) =>
  soldOut(`${label}: not enough tickets left for ${field}`, field);

/** A checked line: where it came from (`field`), how many, and exactly one target. */
export type LineTarget = { field: string; quantity: number } & ReturnType<typeof valid.lineTarget>;

/** Checks each line (quantity, exactly one target) and that no two lines name the same item. */
export function checkLines(requested: { field: string; line: LineInput }[]): LineTarget[] {
  if (requested.length > valid.MAX_LINES) throw badInput('input.lines', `At most ${valid.MAX_LINES} lines per order`);
  const targets = requested.map(({ field, line }) => ({
    field,
    quantity: valid.quantity(`${field}.quantity`, line.quantity),
    ...valid.lineTarget(field, line),
  }));
  const seen = new Set<string>();
  for (const t of targets) {
    const id = t.productId ?? t.ticketTypeId;
    if (seen.has(id)) throw badInput(t.field, `${t.field} names the same item as another line`);
    seen.add(id);
  }
  return targets;
}

/**
 * Current prices and the rules of each line. A ticket type with fewer left than asked is
 * SOLD_OUT here already (an unlocked read): at an on-sale most attempts come after the last
 * seat, and this spares them a transaction that could only roll back. The holds still decide.
 */
export async function priceLines(db: Db, targets: LineTarget[], now: Date): Promise<PricedLine[]> {
  const productIds = targets.flatMap((t) => (t.productId ? [t.productId] : []));
  const ticketTypeIds = targets.flatMap((t) => (t.ticketTypeId ? [t.ticketTypeId] : []));
  const [products, ticketTypes] = await Promise.all([
    productIds.length ? catalog.findProductsByIds(db, productIds) : [],
    ticketTypeIds.length ? inventory.findTicketTypes(db, ticketTypeIds) : [],
  ]);
  const productById = new Map(products.map((p) => [p.id, p]));
  const ticketTypeById = new Map(ticketTypes.map((t) => [t.id, t]));
  return targets.map((t, index) => {
    if (t.productId) {
      const product = productById.get(t.productId);
      if (!product) throw badInput(`${t.field}.productId`, `${t.field}.productId is not a product`);
      if (product.status !== 'ACTIVE') throw conflict(`${product.title} is no longer sold`, t.field);
      return {
        index,
        field: t.field,
        productId: product.id,
        ticketTypeId: null,
        eventId: null,
        sellerId: product.sellerId,
        categoryId: product.categoryId,
        quantity: t.quantity,
        unitPriceCents: product.priceCents,
        currency: product.currency,
        label: product.title,
      };
    }
    const type = ticketTypeById.get(t.ticketTypeId!);
    if (!type) throw badInput(`${t.field}.ticketTypeId`, `${t.field}.ticketTypeId is not a ticket type on sale`);
    if (type.eventStatus !== 'PUBLISHED') throw conflict(`${type.name}: the event is not on sale`, t.field);
    if (type.salesStartAt && now < type.salesStartAt)
      throw conflict(`${type.name}: sales open at ${type.salesStartAt.toISOString()}`, t.field);
    if (type.salesEndAt && now >= type.salesEndAt)
      throw conflict(`${type.name}: sales closed at ${type.salesEndAt.toISOString()}`, t.field);
    if (t.quantity > type.maxPerOrder) {
      throw badInput(`${t.field}.quantity`, `${type.name}: at most ${type.maxPerOrder} tickets per order`);
    }
    if (type.capacity - type.held - type.sold < t.quantity) throw notEnoughTickets(type.name, t.field);
    return {
      index,
      field: t.field,
      productId: null,
      ticketTypeId: type.id,
      eventId: type.eventId,
      sellerId: type.organizerId,
      categoryId: null,
      quantity: t.quantity,
      unitPriceCents: type.priceCents,
      currency: type.currency,
      label: type.name,
    };
  });
}

export interface ShippingAddress {
  recipient: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export function shippingAddress(input: AddressInput | null | undefined): ShippingAddress {
  if (!input) throw badInput('input.shippingAddress', 'A shipping address is required for product lines');
  const f = 'input.shippingAddress';
  return {
    recipient: valid.text(`${f}.recipient`, input.recipient, { min: 1, max: 200 }),
    line1: valid.text(`${f}.line1`, input.line1, { min: 1, max: 300 }),
    line2: input.line2 ? valid.text(`${f}.line2`, input.line2, { max: 300 }) : null,
    city: valid.text(`${f}.city`, input.city, { min: 1, max: 120 }),
    postalCode: valid.text(`${f}.postalCode`, input.postalCode, { min: 1, max: 20 }),
    country: valid.country(`${f}.country`, input.country),
  };
}

/** Ticket types sort before products ('0' < '1'), each by id. */
export function lockKey(line: PricedLine): string {
  return line.ticketTypeId ? `0${line.ticketTypeId}` : `1${line.productId}`;
}

/** The lines, independent of their order in the request. */
export function hashLines(
  lines: { productId: string | null; ticketTypeId: string | null; quantity: number }[],
): string {
  const normalized = lines
    .map((l) => `${l.productId ? `p:${l.productId}` : `t:${l.ticketTypeId}`}x${l.quantity}`)
    .sort();
  return createHash('sha256').update(normalized.join('|')).digest('hex');
}
