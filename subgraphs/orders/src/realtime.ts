import type { Db } from '../../../shared/db';
import type { Logger } from '../../../shared/logger';
import type { PubSub } from '../../../shared/realtime/pubsub';
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
 * Announces committed changes to subscribers. Call it only after the transaction committed;
 * it never throws (realtime fan-out is lossy, DESIGN §3): a failure is logged, and the change
 * it announces stands.
 */
export class OrdersRealtime {
  constructor(private readonly deps: { db: Db; pubsub: PubSub; logger: Logger }) {}

  /**
   * These orders changed. With `counters`, their ticket lines' counters did too (holds taken,
   * released, sold or given back): the availability of their events is announced as well.
   */
  async ordersChanged(orderIds: string[], options: { counters: boolean }): Promise<void> {
    if (orderIds.length === 0) return;
    try {
      const [changed, lines] = await Promise.all([
        orders.findOrdersByIds(this.deps.db, orderIds),
        orders.findLinesByOrderIds(this.deps.db, orderIds),
      ]);
      for (const order of changed) {
        const sellerIds = [...new Set(lines.filter((l) => l.orderId === order.id).map((l) => l.sellerId))];
        await this.publish(channels.order(order.id), {
          orderId: order.id,
          buyerId: order.buyerId,
          sellerIds,
        } satisfies OrderChanged);
      }
      if (options.counters) await this.availabilityChanged(lines.flatMap((l) => (l.eventId ? [l.eventId] : [])));
    } catch (err) {
      this.deps.logger.warn('order updates not published', { orderIds, error: (err as Error).message });
    }
  }

  /** The ticket counters (or ticket types) of these events changed. */
  async availabilityChanged(eventIds: string[]): Promise<void> {
    for (const eventId of new Set(eventIds)) {
      await this.publish(channels.availability(eventId), { eventId } satisfies AvailabilityChanged);
    }
  }

  private async publish(channel: string, payload: OrderChanged | AvailabilityChanged): Promise<void> {
    try {
      await this.deps.pubsub.publish(channel, payload);
    } catch (err) {
      this.deps.logger.warn('realtime event dropped', { channel, error: (err as Error).message });
    }
  }
}
