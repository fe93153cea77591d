import type { Tx } from '../../../../shared/db';
import { badInput, conflict } from '../../../../shared/errors';
import * as orders from '../data/orders';
import * as events from './events';
import * as holds from './holds';
import { REFUNDABLE, transition } from './order-status';

/**
 * The order moves every path shares (mutations, the payment webhook, the expiry worker, event
 * consumers). Each runs inside the caller's transaction and expects the order row locked
 * (`orders.lockOrder`) before it touches any counter: that lock is what makes a move happen once.
 */

/** PENDING_PAYMENT → EXPIRED | CANCELLED | PAYMENT_FAILED, giving the holds back. False: already there. */
export async function closeUnpaid(
  tx: Tx,
  order: orders.Order,
  to: 'EXPIRED' | 'CANCELLED' | 'PAYMENT_FAILED',
  options: { reason: string; actorId: string | null; now: Date },
): Promise<boolean> {
  if (!transition(order.status, to)) return false;
  const lines = await orders.findLinesByOrderIds(tx, [order.id]);
  await holds.release(tx, lines, options.reason, options.actorId);
  await markClosed(tx, order, to, options.now, lines);
  return true;
}

/**
 * The status half of `closeUnpaid`, for callers that release the holds of many orders at once;
 * emits OrderCancelled with the order's `lines` (the caller has read them).
 */
export async function markClosed(
  tx: Tx,
  order: orders.Order,
  to: 'EXPIRED' | 'CANCELLED' | 'PAYMENT_FAILED',
  now: Date,
  lines: orders.OrderLine[],
): Promise<void> {
  if (!transition(order.status, to)) return;
  await orders.updateOrder(tx, order.id, { status: to, closedAt: now });
  await events.orderCancelled(
    tx,
    order,
    to,
    lines.filter((l) => l.orderId === order.id),
    now,
  );
}

/** PENDING_PAYMENT → PAID: holds become sales, and OrderPaid is emitted in the same transaction. */
export async function markPaid(tx: Tx, order: orders.Order, now: Date): Promise<boolean> {
  if (!transition(order.status, 'PAID')) return false;
  const lines = await orders.findLinesByOrderIds(tx, [order.id]);
  await holds.commit(tx, lines);
  await orders.updateOrder(tx, order.id, { status: 'PAID', paidAt: now });
  await events.orderPaid(tx, order, lines, now);
  return true;
}

export interface RefundSelection {
  orderLineId: string;
  quantity: number;
}

/**
 * Refunds units of a paid order: returns them to stock and capacity, records the refund
 * (PENDING: the provider is told after commit, see PaymentService.settleRefunds) and emits
 * OrderRefunded. `selection` undefined: every unit not yet refunded (of `onlyLines`, if given).
 */
export async function refund(
  tx: Tx,
  order: orders.Order,
  options: {
    selection?: RefundSelection[];
    onlyLines?: (line: orders.OrderLine) => boolean;
    reason: string;
    actorId: string | null;
    now: Date;
    field?: string;
  },
): Promise<orders.Refund> {
  if (!REFUNDABLE.includes(order.status)) throw conflict(`An order in ${order.status} cannot be refunded`);
  const lines = await orders.findLinesByOrderIds(tx, [order.id]);
  const byId = new Map(lines.map((l) => [l.id, l]));
  const field = options.field ?? 'lines';
  const picked: { line: orders.OrderLine; quantity: number }[] = [];
  if (options.selection) {
    const seen = new Set<string>();
    options.selection.forEach((s, i) => {
      const line = byId.get(s.orderLineId);
      if (!line) throw badInput(`${field}.${i}.orderLineId`, `${field}.${i}.orderLineId is not a line of this order`);
      if (seen.has(line.id)) throw badInput(`${field}.${i}.orderLineId`, `${field}.${i}.orderLineId appears twice`);
      seen.add(line.id);
      const remaining = line.quantity - line.refundedQuantity;
      if (!Number.isInteger(s.quantity) || s.quantity < 1 || s.quantity > remaining) {
        throw badInput(`${field}.${i}.quantity`, `${field}.${i}.quantity must be between 1 and ${remaining}`);
      }
      picked.push({ line, quantity: s.quantity });
    });
  } else {
    for (const line of lines) {
      const remaining = line.quantity - line.refundedQuantity;
      if (remaining > 0 && (options.onlyLines?.(line) ?? true)) picked.push({ line, quantity: remaining });
    }
  }
  if (picked.length === 0) throw conflict('Nothing left to refund');

  const amountCents = picked.reduce((sum, p) => sum + p.quantity * p.line.unitPriceCents, 0);
  for (const p of picked) await orders.addRefundedQuantity(tx, p.line.id, p.quantity);
  await holds.giveBack(
    tx,
    picked.map((p) => ({ ...p.line, quantity: p.quantity })),
    `refund: ${options.reason}`,
    options.actorId,
  );
  const refundedCents = order.refundedCents + amountCents;
  const to = refundedCents >= order.totalCents ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  transition(order.status, to);
  await orders.updateOrder(tx, order.id, {
    status: to,
    refundedCents,
    ...(to === 'REFUNDED' ? { closedAt: options.now } : {}),
  });
  const created = await orders.createRefund(tx, {
    orderId: order.id,
    amountCents,
    currency: order.currency,
    reason: options.reason,
    actorId: options.actorId,
    lines: picked.map((p) => ({ orderLineId: p.line.id, quantity: p.quantity })),
  });
  await events.orderRefunded(tx, {
    orderId: order.id,
    refundId: created.id,
    buyerId: order.buyerId,
    reason: options.reason,
    amountCents,
    currency: order.currency,
    lines: picked.map((p) => events.lineFacts(p.line, p.quantity)),
    refundedAt: options.now.toISOString(),
  });
  return created;
}
