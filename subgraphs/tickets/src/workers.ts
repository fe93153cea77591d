import { startConsumer, startRelay, type Worker } from '../../../shared/events/bus';
import type { SubgraphDeps } from '../../../shared/subgraph';
import { TicketService } from './domain/ticket-service';

/** The consumer that issues and voids tickets as orders are paid and refunded. */
export const ORDER_EVENTS_CONSUMER = 'tickets.order-tickets';

/**
 * The event workers of a tickets process: the outbox relay (publishes what any domain
 * emitted; relays of several processes take turns) and the consumer of orders' events. Both
 * handlers run inside `applyOnce`'s transaction, so a redelivered event changes nothing.
 */
export function startWorkers(deps: SubgraphDeps): Worker[] {
  const tickets = new TicketService({ db: deps.db, logger: deps.logger, now: deps.now });
  return [
    startRelay({ db: deps.db, redis: deps.redis, stream: deps.eventStream, logger: deps.logger }),
    startConsumer({
      db: deps.db,
      redis: deps.redis,
      stream: deps.eventStream,
      logger: deps.logger,
      name: ORDER_EVENTS_CONSUMER,
      handlers: {
        OrderPaid: async (tx, event) => {
          await tickets.issueForOrder(tx, event.payload);
        },
        OrderRefunded: async (tx, event) => {
          await tickets.voidForRefund(tx, event.payload);
        },
      },
    }),
  ];
}
