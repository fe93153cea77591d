import type { EventHandlers } from '../../../../shared/events/bus';
import * as inventory from '../data/inventory';
import * as orders from '../data/orders';
import type { OrdersRealtime } from '../realtime';
import { closeUnpaid, refund } from './order-flows';

/**
 * What orders does with other domains' events. Each handler runs in the consumer's
 * transaction, which also records the event as processed: it happens once. Subscribers hear
 * of the change after that transaction commits.
 */
export function ticketTypeHandlers(realtime: OrdersRealtime): EventHandlers {
  return {
    TicketTypeChanged: async (tx, { payload: p }, afterCommit) => {
      await inventory.upsertTicketType(tx, {
        id: p.ticketTypeId,
        eventId: p.eventId,
        organizerId: p.organizerId,
        name: p.name,
        priceCents: p.priceCents,
        currency: p.currency,
        capacity: p.capacity,
        maxPerOrder: p.maxPerOrder,
        salesStartAt: p.salesStartAt ? new Date(p.salesStartAt) : null,
        salesEndAt: p.salesEndAt ? new Date(p.salesEndAt) : null,
        eventStatus: p.eventStatus,
      });
      afterCommit(() => realtime.availabilityChanged([p.eventId]));
    },
  };
}

/**
 * A cancelled event: its ticket types stop selling, unpaid orders holding its tickets are
 * cancelled, and every paid order holding them is refunded for those lines (OrderRefunded
 * makes tickets void them; the refund worker returns the money).
 */
export function eventCancelledHandlers(realtime: OrdersRealtime, now: () => Date = () => new Date()): EventHandlers {
  return {
    EventCancelled: async (tx, { payload: p }, afterCommit) => {
      await inventory.markEventCancelled(tx, p.eventId);
      const at = now();
      const changed: string[] = [];
      // Those orders hold tickets of the event: announcing them announces its availability too.
      afterCommit(() =>
        changed.length > 0
          ? realtime.ordersChanged(changed, { counters: true })
          : realtime.availabilityChanged([p.eventId]),
      );
      for (const id of await orders.orderIdsWithEvent(tx, p.eventId, ['PENDING_PAYMENT'])) {
        const order = (await orders.lockOrder(tx, id))!;
        if (order.status !== 'PENDING_PAYMENT') continue;
        await closeUnpaid(tx, order, 'CANCELLED', { reason: 'event cancelled', actorId: null, now: at });
        changed.push(id);
      }
      for (const id of await orders.orderIdsWithEvent(tx, p.eventId, ['PAID', 'FULFILLED', 'PARTIALLY_REFUNDED'])) {
        const order = (await orders.lockOrder(tx, id))!;
        const lines = await orders.findLinesByOrderIds(tx, [id]);
        if (!lines.some((l) => l.eventId === p.eventId && l.quantity > l.refundedQuantity)) continue;
        await refund(tx, order, {
          onlyLines: (l) => l.eventId === p.eventId,
          reason: `Event cancelled: ${p.reason}`.slice(0, 500),
          actorId: null,
          now: at,
        });
        changed.push(id);
      }
    },
  };
}

/** Tickets issued or voided for an order: its `orderUpdated` subscribers see them. */
export function orderTicketsHandlers(realtime: OrdersRealtime): EventHandlers {
  return {
    OrderTicketsChanged: async (_tx, { payload: p }, afterCommit) => {
      afterCommit(() => realtime.ordersChanged([p.orderId], { counters: false }));
    },
  };
}
