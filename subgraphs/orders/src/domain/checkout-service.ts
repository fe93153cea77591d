import { inTransaction, type Db } from '../../../../shared/db';
import { badInput, conflict, soldOut, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import * as carts from '../data/carts';
import * as inventory from '../data/inventory';
import * as orders from '../data/orders';
import type { CheckoutResult } from '../models';
import type { PaymentProvider } from '../payments/provider';
import type { OrdersRealtime } from '../realtime';
import {
  checkLines,
  hashLines,
  lockKey,
  notEnoughTickets,
  priceLines,
  shippingAddress,
  type CheckoutInput,
  type LineInput,
} from './checkout-lines';
import * as events from './events';
import * as valid from './validation';

export interface CheckoutDeps {
  db: Db;
  provider: PaymentProvider;
  holdMinutes: number;
  realtime: OrdersRealtime;
  now?: () => Date;
}

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
    const targets = checkLines(requested);
    const requestHash = hashLines(targets);

    const existing = await orders.findOrderByKey(this.deps.db, buyerId, key);
    if (existing) return this.replay(existing, requestHash);

    const now = this.now();
    const priced = await priceLines(this.deps.db, targets, now);
    const currency = priced[0]!.currency;
    const other = priced.find((l) => l.currency !== currency);
    if (other)
      throw badInput(
        other.field,
        `Every line must be in one currency (${currency}); ${other.field} is in ${other.currency}`,
      );
    const hasProducts = priced.some((l) => l.productId);
    const address = hasProducts ? shippingAddress(input.shippingAddress) : undefined;

    let order: orders.Order;
    try {
      order = await inTransaction(this.deps.db, async (tx) => {
        const created = await orders.createOrder(tx, {
          buyerId,
          currency,
          totalCents: priced.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
          idempotencyKey: key,
          requestHash,
          expiresAt: new Date(now.getTime() + this.deps.holdMinutes * 60_000),
        });
        // Lock order (see data/inventory.ts): stock rows, then ticket types, then products. The
        // ticket types' rows are the ones every checkout of an on-sale queues for, so they are
        // taken after everything else of the order is written: only the commit follows them
        // (and, when the order has products, their StockChanged).
        const byLockOrder = [...priced].sort((a, b) => lockKey(a).localeCompare(lockKey(b)));
        const warehouseOf = new Map<number, string>();
        for (const line of byLockOrder) {
          if (!line.productId) continue;
          const warehouseId = await inventory.reserveStock(tx, line.productId, line.quantity);
          if (!warehouseId) throw soldOut(`${line.label}: not enough stock left for ${line.field}`, line.field);
          warehouseOf.set(line.index, warehouseId);
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
            categoryId: l.categoryId,
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
        await events.orderPlaced(tx, created);
        for (const line of byLockOrder) {
          if (line.ticketTypeId && !(await inventory.reserveTickets(tx, line.ticketTypeId, line.quantity))) {
            throw notEnoughTickets(line.label, line.field);
          }
        }
        await events.stockChanged(
          tx,
          lines.flatMap((l) => (l.productId ? [l.productId] : [])),
        );
        return created;
      });
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
}
