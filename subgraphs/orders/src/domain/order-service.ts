import { inTransaction, type Db } from '../../../../shared/db';
import { conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import { pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import * as orders from '../data/orders';
import type { MockPaymentProvider } from '../payments/mock';
import type { OrdersRealtime } from '../realtime';
import { actsForBuyer, canSeeOrder, managesDelivery, refundableLineIds } from './access';
import { newestFirst } from './cursors';
import { closeUnpaid, refund, type RefundSelection } from './order-flows';
import type { PaymentService } from './payment-service';
import * as valid from './validation';

export interface OrderServiceDeps {
  db: Db;
  payments: PaymentService;
  /** Present only when `simulatePayment` is allowed (mock provider, not production). */
  simulator?: MockPaymentProvider;
  realtime: OrdersRealtime;
  now?: () => Date;
}

/** Statuses in which an order's deliveries may be shipped and delivered. */
const SHIPPABLE: readonly orders.OrderStatus[] = ['PAID', 'PARTIALLY_REFUNDED', 'FULFILLED'];

/** Orders after checkout: reading, cancelling, refunding, shipping, and the mock's payment. */
export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async list(
    ctx: RequestContext,
    filter: { buyerId?: string; sellerId?: string },
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<orders.Order>> {
    if (!ctx.viewer) throw unauthenticated();
    const first = pageSize(args.first);
    const after = newestFirst.decode(args.after);
    const [rows, totalCount] = await Promise.all([
      orders.listOrders(this.deps.db, filter, after, first + 1),
      orders.countOrders(this.deps.db, filter),
    ]);
    return toConnection(rows, first, totalCount, newestFirst.encode);
  }

  /** The buyer cancels an unpaid order; its holds go back. Cancelling twice changes nothing. */
  async cancel(ctx: RequestContext, id: string): Promise<orders.Order> {
    if (!ctx.viewer) throw unauthenticated();
    const orderId = valid.uuid('id', id);
    const viewer = ctx.viewer;
    const { cancelled, changed } = await inTransaction(this.deps.db, async (tx) => {
      const order = await orders.lockOrder(tx, orderId);
      if (!order || !actsForBuyer(viewer, order)) throw notFound('Order');
      const closed = await closeUnpaid(tx, order, 'CANCELLED', {
        reason: 'order cancelled',
        actorId: viewer.userId,
        now: this.now(),
      });
      return { cancelled: (await orders.findOrdersByIds(tx, [orderId]))[0]!, changed: closed };
    });
    if (changed) await this.deps.realtime.ordersChanged([orderId], { counters: true });
    return cancelled;
  }

  /**
   * Refunds lines of a paid order (all remaining units when `lines` is absent). ADMIN may
   * refund anything; a seller only lines they sold (without `lines`: all of theirs).
   */
  async refund(
    ctx: RequestContext,
    id: string,
    lines: RefundSelection[] | null | undefined,
    reason: string,
  ): Promise<orders.Order> {
    if (!ctx.viewer) throw unauthenticated();
    const viewer = ctx.viewer;
    const orderId = valid.uuid('id', id);
    const why = valid.text('reason', reason, { min: 1, max: 500 });
    const selection = lines?.map((l, i) => ({
      orderLineId: valid.uuid(`lines.${i}.orderLineId`, l.orderLineId),
      quantity: l.quantity,
    }));
    const created = await inTransaction(this.deps.db, async (tx) => {
      const order = await orders.lockOrder(tx, orderId);
      if (!order) throw notFound('Order');
      const orderLines = await orders.findLinesByOrderIds(tx, [orderId]);
      if (!canSeeOrder(viewer, order, orderLines)) throw notFound('Order');
      const own = refundableLineIds(viewer, orderLines);
      if (own && (own.size === 0 || selection?.some((s) => !own.has(s.orderLineId))))
        throw forbidden('Only ADMIN or the seller of a line may refund it');
      return refund(tx, order, {
        selection,
        onlyLines: own && ((l) => own.has(l.id)),
        reason: why,
        actorId: viewer.userId,
        now: this.now(),
      });
    });
    await this.deps.realtime.ordersChanged([orderId], { counters: true });
    // Tell the provider now; should this fail, the refund stays PENDING for the refund worker.
    await this.deps.payments.settleRefunds(1, created.id).catch(() => 0);
    return (await orders.findOrdersByIds(this.deps.db, [orderId]))[0]!;
  }

  /** The seller ships (carrier and tracking number) and then delivers; the last delivery fulfils a paid order. */
  async updateDelivery(
    ctx: RequestContext,
    input: {
      deliveryId: string;
      status: orders.Delivery['status'];
      carrier?: string | null;
      trackingNumber?: string | null;
    },
  ): Promise<orders.Delivery> {
    if (!ctx.viewer) throw unauthenticated();
    const viewer = ctx.viewer;
    const id = valid.uuid('input.deliveryId', input.deliveryId);
    const { delivery: result, changed } = await inTransaction(this.deps.db, async (tx) => {
      const found = await orders.findDeliveryById(tx, id);
      if (!found || !managesDelivery(viewer, found)) throw notFound('Delivery');
      // Lock order: the order row first, then the delivery (read again, now locked).
      const order = (await orders.lockOrder(tx, found.orderId))!;
      const delivery = (await orders.lockDelivery(tx, id))!;
      if (!SHIPPABLE.includes(order.status)) throw conflict(`An order in ${order.status} is not shipped`);
      const now = this.now();
      if (input.status === delivery.status) return { delivery, changed: false };
      if (input.status === 'SHIPPED') {
        if (delivery.status !== 'PENDING') throw conflict(`A ${delivery.status} delivery cannot become SHIPPED`);
        const carrier = valid.text('input.carrier', input.carrier ?? '', { min: 1, max: 100 });
        const trackingNumber = valid.text('input.trackingNumber', input.trackingNumber ?? '', { min: 1, max: 100 });
        return {
          delivery: await orders.updateDelivery(tx, id, { status: 'SHIPPED', carrier, trackingNumber, shippedAt: now }),
          changed: true,
        };
      }
      if (input.status !== 'DELIVERED' || delivery.status !== 'SHIPPED') {
        throw conflict(`A ${delivery.status} delivery cannot become ${input.status}`);
      }
      const updated = await orders.updateDelivery(tx, id, { status: 'DELIVERED', deliveredAt: now });
      const all = await orders.findDeliveriesByOrderIds(tx, [order.id]);
      if (order.status === 'PAID' && all.every((d) => d.status === 'DELIVERED')) {
        await orders.updateOrder(tx, order.id, { status: 'FULFILLED' });
      }
      return { delivery: updated, changed: true };
    });
    if (changed) await this.deps.realtime.ordersChanged([result.orderId], { counters: false });
    return result;
  }

  /** Development only: the mock provider pays or fails the order through our own webhook. */
  async simulatePayment(ctx: RequestContext, orderId: string, outcome: 'SUCCEEDED' | 'FAILED'): Promise<orders.Order> {
    if (!ctx.viewer) throw unauthenticated();
    if (!this.deps.simulator) throw forbidden('simulatePayment needs the mock payment provider outside production');
    const id = valid.uuid('orderId', orderId);
    const [order] = await orders.findOrdersByIds(this.deps.db, [id]);
    if (!order || !actsForBuyer(ctx.viewer, order)) throw notFound('Order');
    const [payment] = await orders.findPaymentsByOrderIds(this.deps.db, [id]);
    if (!payment) throw conflict('This order has no payment to complete');
    const status = await this.deps.simulator.simulate(
      {
        providerPaymentId: payment.providerPaymentId,
        orderId: id,
        amountCents: payment.amountCents,
        currency: payment.currency,
      },
      outcome,
    );
    if (status !== 200) throw conflict(`The payment webhook refused the event (HTTP ${status})`);
    return (await orders.findOrdersByIds(this.deps.db, [id]))[0]!;
  }
}
