import type { Worker } from '../../../shared/events/bus';
import { startConsumer, startRelay } from '../../../shared/events/bus';
import type { SubgraphDeps } from '../../../shared/subgraph';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { eventCancelledHandlers, expireOrders, orderTicketsHandlers, ticketTypeHandlers } from './domain/event-handlers';
import { PaymentService } from './domain/payment-service';
import { DEFAULT_PAYMENT_SETTINGS, createProvider } from './payments';
import { OrdersRealtime } from './realtime';
import type { OrdersDeps } from './server';

/** Runs `step` until stopped, like the bus loops: again at once while it finds work, else after `pollMs`. */
function poll(name: string, deps: SubgraphDeps, pollMs: number, step: () => Promise<number>): Worker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = step()
      .then((n) => (n > 0 ? 0 : pollMs))
      .catch((err: Error) => {
        deps.logger.error(`${name} failed`, { error: err.message });
        return pollMs * 10;
      })
      .then((delay) => {
        if (!stopped) timer = setTimeout(tick, delay);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    runOnce: step,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * The orders process's background work; every one is safe with several instances:
 * - the outbox relay (OrderPaid, OrderRefunded);
 * - consumers: ticket-type copies (TicketTypeChanged), cancelled events (EventCancelled),
 *   live order updates when tickets are issued or voided (OrderTicketsChanged);
 * - the expiry worker: unpaid orders past `expiresAt` become EXPIRED and release their holds;
 * - the refund worker: tells the provider about refunds recorded by consumers (or left PENDING).
 */
export function startWorkers(deps: OrdersDeps): Worker[] {
  const now = () => deps.now?.() ?? new Date();
  const bus = { db: deps.db, redis: deps.redis, stream: deps.eventStream, logger: deps.logger };
  const settings = deps.payments ?? DEFAULT_PAYMENT_SETTINGS;
  const realtime = new OrdersRealtime({ db: deps.db, pubsub: pubsubFor(deps), logger: deps.logger });
  const payments = new PaymentService({
    db: deps.db,
    provider: createProvider(settings, () => undefined),
    webhookSecret: settings.webhookSecret,
    logger: deps.logger,
    realtime,
    now: deps.now,
  });
  return [
    startRelay(bus),
    startConsumer({ ...bus, name: 'orders.ticket-type-copy', handlers: ticketTypeHandlers(realtime) }),
    startConsumer({ ...bus, name: 'orders.refund-on-event-cancelled', handlers: eventCancelledHandlers(realtime, now) }),
    startConsumer({ ...bus, name: 'orders.live-order-tickets', handlers: orderTicketsHandlers(realtime) }),
    poll('order expiry', deps, 1_000, () => expireOrders(deps.db, realtime, now())),
    poll('refund settlement', deps, 2_000, () => payments.settleRefunds()),
  ];
}
