import type { Tx } from '../../../../shared/db';
import type { EventCatalog } from '../../../../shared/events/catalog';
import { eventProducer } from '../../../../shared/events/outbox';
import type { Order, OrderLine } from '../data/orders';

/**
 * The domain events orders emits (docs/events.md). Each is written with the transaction that
 * makes the change, so the change and its event commit together.
 */
const producer = eventProducer('orders');

/** A checkout created the order (its holds are taken). */
export function orderPlaced(tx: Tx, order: Order): Promise<string> {
  return producer.emit(tx, 'OrderPlaced', {
    orderId: order.id,
    buyerId: order.buyerId,
    placedAt: order.createdAt.toISOString(),
  });
}

/** The order moved to PAID; every line is listed (tickets issues tickets for the ticket lines). */
export function orderPaid(tx: Tx, order: Order, lines: OrderLine[], paidAt: Date): Promise<string> {
  return producer.emit(tx, 'OrderPaid', {
    orderId: order.id,
    buyerId: order.buyerId,
    currency: order.currency,
    totalCents: order.totalCents,
    paidAt: paidAt.toISOString(),
    lines: lines.map((l) => ({
      orderLineId: l.id,
      ticketTypeId: l.ticketTypeId,
      eventId: l.eventId,
      productId: l.productId,
      sellerId: l.sellerId,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
    })),
  });
}

/** Units of a paid order were refunded (`quantity` per line: what this refund returns). */
export function orderRefunded(tx: Tx, payload: EventCatalog['OrderRefunded']): Promise<string> {
  return producer.emit(tx, 'OrderRefunded', payload);
}
