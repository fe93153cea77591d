import type { Tx } from '../../../../shared/db';
import type { EventCatalog, EventOrderLine } from '../../../../shared/events/catalog';
import { eventProducer } from '../../../../shared/events/outbox';
import * as inventory from '../data/inventory';
import type { Category } from '../data/catalog';
import type { Order, OrderLine } from '../data/orders';

/**
 * The domain events orders emits (docs/events.md). Each is written with the transaction that
 * makes the change, so the change and its event commit together.
 */
const producer = eventProducer('orders');

/** A category was created (or renamed, or moved): its whole state, versioned by `changedAt`. */
export function categoryChanged(tx: Tx, category: Category, changedAt: Date = category.createdAt): Promise<string> {
  return producer.emit(tx, 'CategoryChanged', {
    categoryId: category.id,
    parentId: category.parentId,
    name: category.name,
    changedAt: changedAt.toISOString(),
  });
}

/** A checkout created the order (its holds are taken). */
export function orderPlaced(tx: Tx, order: Order): Promise<string> {
  return producer.emit(tx, 'OrderPlaced', {
    orderId: order.id,
    buyerId: order.buyerId,
    placedAt: order.createdAt.toISOString(),
  });
}

/** A line as order events carry it (`quantity`: the units concerned, by default all of them). */
export const lineFacts = (l: OrderLine, quantity = l.quantity): EventOrderLine => ({
  orderLineId: l.id,
  ticketTypeId: l.ticketTypeId,
  eventId: l.eventId,
  productId: l.productId,
  sellerId: l.sellerId,
  quantity,
  unitPriceCents: l.unitPriceCents,
  categoryId: l.categoryId,
});

/** The order moved to PAID; every line is listed (tickets issues tickets for the ticket lines). */
export function orderPaid(tx: Tx, order: Order, lines: OrderLine[], paidAt: Date): Promise<string> {
  return producer.emit(tx, 'OrderPaid', {
    orderId: order.id,
    buyerId: order.buyerId,
    currency: order.currency,
    totalCents: order.totalCents,
    paidAt: paidAt.toISOString(),
    lines: lines.map((l) => lineFacts(l)),
  });
}

/** An unpaid order was closed (cancelled, expired, payment failed); every line is listed. */
export function orderCancelled(
  tx: Tx,
  order: Order,
  status: EventCatalog['OrderCancelled']['status'],
  lines: OrderLine[],
  closedAt: Date,
): Promise<string> {
  return producer.emit(tx, 'OrderCancelled', {
    orderId: order.id,
    buyerId: order.buyerId,
    status,
    currency: order.currency,
    totalCents: order.totalCents,
    lines: lines.map((l) => lineFacts(l)),
    closedAt: closedAt.toISOString(),
  });
}

/** Units of a paid order were refunded (`quantity` per line: what this refund returns). */
export function orderRefunded(tx: Tx, payload: EventCatalog['OrderRefunded']): Promise<string> {
  return producer.emit(tx, 'OrderRefunded', payload);
}

/**
 * The stock of these products changed in this transaction (after the stock rows were updated):
 * one StockChanged per product per transaction, with the totals it commits (`emitState`).
 */
export async function stockChanged(tx: Tx, productIds: readonly string[]): Promise<void> {
  for (const s of await inventory.lockStockStates(tx, productIds)) {
    await producer.emitState(tx, 'StockChanged', s.productId, {
      productId: s.productId,
      sellerId: s.sellerId,
      productName: s.title,
      categoryId: s.categoryId,
      onHand: s.onHand,
      held: s.held,
      available: s.onHand - s.held,
      changedAt: s.changedAt,
    });
  }
}
