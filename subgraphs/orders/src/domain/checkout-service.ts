import { createHash } from 'node:crypto';
import type { Db } from '../../../../shared/db';
import { badInput, conflict, soldOut, unauthenticated } from '../../../../shared/errors';
import { emit } from '../../../../shared/events/outbox';
import type { RequestContext } from '../../../../shared/subgraph';
import * as carts from '../data/carts';
import * as catalog from '../data/catalog';
import * as inventory from '../data/inventory';
import * as orders from '../data/orders';
import type { CheckoutResult } from '../models';
import type { PaymentProvider } from '../payments/provider';
import type { OrdersRealtime } from '../realtime';
import { PRODUCER } from './order-flows';
import * as valid from './validation';

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
interface PricedLine {
  index: number;
  field: string;
  productId: string | null;
  ticketTypeId: string | null;
  eventId: string | null;
  sellerId: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  label: string;
}

export interface CheckoutDeps {
  db: Db;
  provider: PaymentProvider;
  holdMinutes: number;
  realtime: OrdersRealtime;
  now?: () => Date;
}

/** Prisma's interactive transactions wait 2 s for a connection by default: too little under a sales rush. */
const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 };

/**
 * Checkout: holds every line atomically (all or nothing) until the order expires, then asks
 * the payment provider for a payment.
 *
 * Idempotency: the order row carries (buyer, idempotencyKey) under a unique index and a hash
 * of the normalized lines. The row is inserted first in the transaction, so a concurrent call
 * with the same key waits on the index and then finds the committed order.
 */
export class CheckoutService {
  constructor(private readonly deps: CheckoutDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async checkout(ctx: RequestContext, input: CheckoutInput): Promise<CheckoutResult> {
    if (!ctx.viewer) throw unauthenticated();
    const buyerId = ctx.viewer.userId;
    const key = valid.text('input.idempotencyKey', input.idempotencyKey, { min: 8, max: 200 });

    const fromCart = input.lines == null;
    const requested: { field: string; line: LineInput }[] = fromCart
      ? (await carts.findCartLines(this.deps.db, buyerId)).map((l, i) => ({ field: `cart.lines.${i}`, line: l }))
      : input.lines!.map((l, i) => ({ field: `input.lines.${i}`, line: l }));
    if (requested.length === 0) throw badInput('input.lines', fromCart ? 'The cart is empty' : 'input.lines is empty');
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
    const requestHash = hashLines(targets);

    const existing = await orders.findOrderByKey(this.deps.db, buyerId, key);
    if (existing) return this.replay(existing, requestHash);

    const now = this.now();
    const priced = await this.price(targets, now);
    const currency = priced[0]!.currency;
    const other = priced.find((l) => l.currency !== currency);
    if (other)
      throw badInput(
        other.field,
        `Every line must be in one currency (${currency}); ${other.field} is in ${other.currency}`,
      );
    const hasProducts = priced.some((l) => l.productId);
    const address = hasProducts ? this.address(input.shippingAddress) : undefined;

    let order: orders.Order;
    try {
      order = await this.deps.db.$transaction(async (tx) => {
        const created = await orders.createOrder(tx, {
          buyerId,
          currency,
          totalCents: priced.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
          idempotencyKey: key,
          requestHash,
          expiresAt: new Date(now.getTime() + this.deps.holdMinutes * 60_000),
        });
        // Lock order: ticket types by id, then products by id (see data/inventory.ts).
        const byLockOrder = [...priced].sort((a, b) => lockKey(a).localeCompare(lockKey(b)));
        const warehouseOf = new Map<number, string>();
        for (const line of byLockOrder) {
          if (line.ticketTypeId) {
            if (!(await inventory.reserveTickets(tx, line.ticketTypeId, line.quantity))) {
              throw soldOut(`${line.label}: not enough tickets left for ${line.field}`, line.field);
            }
          } else {
            const warehouseId = await inventory.reserveStock(tx, line.productId!, line.quantity);
            if (!warehouseId) throw soldOut(`${line.label}: not enough stock left for ${line.field}`, line.field);
            warehouseOf.set(line.index, warehouseId);
          }
        }
        const lines = await orders.createLines(
          tx,
          priced.map((l) => ({
            orderId: created.id,
            ticketTypeId: l.ticketTypeId,
            eventId: l.eventId,
            productId: l.productId,
            warehouseId: warehouseOf.get(l.index) ?? null,
            sellerId: l.sellerId,
            quantity: l.quantity,
            unitPriceCents: l.unitPriceCents,
          })),
        );
        await inventory.recordMovements(
          tx,
          lines
            .filter((l) => l.productId && l.warehouseId)
            .map((l) => ({
              productId: l.productId!,
              warehouseId: l.warehouseId!,
              kind: 'RESERVE' as const,
              quantity: l.quantity,
              reason: 'checkout',
              actorId: buyerId,
              orderId: created.id,
            })),
        );
        if (address) {
          const sellers = [...new Set(lines.filter((l) => l.productId).map((l) => l.sellerId))];
          await orders.createDeliveries(
            tx,
            sellers.map((sellerId) => ({ orderId: created.id, sellerId, ...address })),
          );
        }
        if (fromCart) await carts.clearCart(tx, buyerId);
        await emit(tx, PRODUCER, 'OrderPlaced', {
          orderId: created.id,
          buyerId,
          placedAt: created.createdAt.toISOString(),
        });
        return created;
      }, TX_OPTIONS);
    } catch (err) {
      if (!(err instanceof orders.DuplicateIdempotencyKey)) throw err;
      // A concurrent call with the same key committed first.
      return this.replay((await orders.findOrderByKey(this.deps.db, buyerId, key))!, requestHash);
    }
    const payment = await this.ensurePayment(order);
    await this.deps.realtime.ordersChanged([order.id], { counters: true });
    return { order, payment };
  }

  /** The same key again: the same order if the lines match, else CONFLICT. */
  private async replay(order: orders.Order, requestHash: string): Promise<CheckoutResult> {
    if (order.requestHash !== requestHash) {
      throw conflict('This idempotencyKey was used for a checkout with different lines', 'input.idempotencyKey');
    }
    return { order, payment: await this.ensurePayment(order) };
  }

  /**
   * The order's payment, asking the provider if it has none yet (the provider call happens
   * after the checkout commits, never inside it; the provider is idempotent per order, so a
   * retry after a crash gets the same payment).
   */
  async ensurePayment(order: orders.Order): Promise<orders.Payment | null> {
    const [existing] = await orders.findPaymentsByOrderIds(this.deps.db, [order.id]);
    if (existing || order.status !== 'PENDING_PAYMENT') return existing ?? null;
    const created = await this.deps.provider.createPayment({
      orderId: order.id,
      amountCents: order.totalCents,
      currency: order.currency,
    });
    return orders.savePayment(this.deps.db, {
      orderId: order.id,
      provider: this.deps.provider.name,
      providerPaymentId: created.providerPaymentId,
      clientSecret: created.clientSecret,
      amountCents: order.totalCents,
      currency: order.currency,
    });
  }

  /** Current prices and the rules that do not depend on remaining capacity (checked again by the holds). */
  private async price(
    targets: { field: string; quantity: number; productId: string | null; ticketTypeId: string | null }[],
    now: Date,
  ): Promise<PricedLine[]> {
    const productIds = targets.flatMap((t) => (t.productId ? [t.productId] : []));
    const ticketTypeIds = targets.flatMap((t) => (t.ticketTypeId ? [t.ticketTypeId] : []));
    const [products, ticketTypes] = await Promise.all([
      productIds.length ? catalog.findProductsByIds(this.deps.db, productIds) : [],
      ticketTypeIds.length ? inventory.findTicketTypes(this.deps.db, ticketTypeIds) : [],
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
      return {
        index,
        field: t.field,
        productId: null,
        ticketTypeId: type.id,
        eventId: type.eventId,
        sellerId: type.organizerId,
        quantity: t.quantity,
        unitPriceCents: type.priceCents,
        currency: type.currency,
        label: type.name,
      };
    });
  }

  private address(input: AddressInput | null | undefined) {
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
}

/** Ticket types sort before products ('0' < '1'), each by id. */
function lockKey(line: PricedLine): string {
  return line.ticketTypeId ? `0${line.ticketTypeId}` : `1${line.productId}`;
}

/** The lines, independent of their order in the request. */
function hashLines(lines: { productId: string | null; ticketTypeId: string | null; quantity: number }[]): string {
  const normalized = lines
    .map((l) => `${l.productId ? `p:${l.productId}` : `t:${l.ticketTypeId}`}x${l.quantity}`)
    .sort();
  return createHash('sha256').update(normalized.join('|')).digest('hex');
}
