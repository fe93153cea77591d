/**
 * The event workers of a tickets process: the outbox relay (publishes what any domain emitted;
 * relays of several processes take turns) and the consumer of orders' events, whose handlers
 * (domain/event-handlers.ts) issue and void tickets as orders are paid and refunded.
 */
import { eventBus, startConsumer, startRelay, type Worker } from '../../../shared/events/bus';
import { orderTicketsHandlers } from './domain/event-handlers';
import { QrCodec } from './domain/qr';
import type { TicketsDeps } from './server';

/** The consumer that issues and voids tickets as orders are paid and refunded. */
export const ORDER_EVENTS_CONSUMER = 'tickets.order-tickets';

export function startWorkers(deps: TicketsDeps): Worker[] {
  const bus = eventBus(deps);
  return [
    startRelay(bus),
    startConsumer({
      ...bus,
      name: ORDER_EVENTS_CONSUMER,
      handlers: orderTicketsHandlers({ logger: deps.logger, qr: new QrCodec(deps.qrKeys), now: deps.now }),
    }),
  ];
}
