import type { Db } from '../../../shared/db';
import type { Logger } from '../../../shared/logger';
import type { PubSub } from '../../../shared/realtime/pubsub';
import { realtimePublisher, type RealtimePublisher } from '../../../shared/realtime/publisher';
import * as orders from './data/orders';

/** The orders subgraph's realtime channels: subscriptions listen here, services publish after commit. */
export const channels = {
  order: (orderId: string) => `orders:order:${orderId}`,
  availability: (eventId: string) => `orders:availability:${eventId}`,
};

/** An `orderUpdated` event: which order changed, and who may follow it (checked per event). */
export interface OrderChanged {
  orderId: string;
  buyerId: string;
  sellerIds: string[];
}

/** An `eventAvailabilityChanged` event: the event whose ticket counters changed. */
export interface AvailabilityChanged {
  eventId: string;
}

/**
 * Announces committed changes to subscribers. Call it only after the transaction committed.
 * It never throws: realtime fan-out is lossy (durable effects travel as domain events, see
 * docs/events.md), so a failure is logged and the change it announces stands.
 */
export class OrdersRealtime {
  private readonly publisher: RealtimePublisher;

  constructor(private readonly deps: { db: Db; pubsub: PubSub; logger: Logger }) {
    this.publisher = realtimePublisher(deps.pubsub, deps.logger);
  }

  /**
   * These orders changed. With `counters`, their ticket lines' counters did too (holds taken,
   * released, sold or given back): the availability of their events is announced as well.
   */
  async ordersChanged(orderIds: string[], options: { counters: boolean }): Promise<void> {
    if (orderIds.length === 0) return;
    let changed: orders.Order[];
    let lines: orders.OrderLine[];
    try {
      // The audience of each event is read from the committed rows; a failed read drops the events.
      [changed, lines] = await Promise.all([
        orders.findOrdersByIds(this.deps.db, orderIds),
        orders.findLinesByOrderIds(this.deps.db, orderIds),
      ]);
    } catch (err) {
      this.deps.logger.warn('order updates not published', { orderIds, error: (err as Error).message });
      return;
    }
    for (const order of changed) {
      const sellerIds = [...new Set(lines.filter((l) => l.orderId === order.id).map((l) => l.sellerId))];
      await this.publisher.publish(channels.order(order.id), {
        orderId: order.id,
        buyerId: order.buyerId,
        sellerIds,
      } satisfies OrderChanged);
    }
    if (options.counters) await this.availabilityChanged(lines.flatMap((l) => (l.eventId ? [l.eventId] : [])));
  }

  /** The ticket counters (or ticket types) of these events changed. */
  async availabilityChanged(eventIds: string[]): Promise<void> {
    for (const eventId of new Set(eventIds)) {
      await this.publisher.publish(channels.availability(eventId), { eventId } satisfies AvailabilityChanged);
    }
  }
}
