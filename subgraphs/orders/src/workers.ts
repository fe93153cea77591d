import type { Worker } from '../../../shared/events/bus';
import { eventBus, loop, startConsumer, startRelay } from '../../../shared/events/bus';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { eventCancelledHandlers, orderTicketsHandlers, ticketTypeHandlers } from './domain/event-handlers';
import { expireOrders } from './domain/expiry';
import { PaymentService } from './domain/payment-service';
import { createProvider } from './payments';
import { OrdersRealtime } from './realtime';
import type { OrdersDeps } from './server';
import { DEFAULT_PAYMENT_SETTINGS } from './settings';

/**
 * The orders process's background work; every one is safe with several instances:
 * - the outbox relay (OrderPlaced, OrderPaid, OrderRefunded);
 * - consumers (domain/event-handlers.ts): ticket-type copies (TicketTypeChanged), cancelled
 *   events (EventCancelled), live order updates when tickets are issued or voided (OrderTicketsChanged);
 * - hold expiry (domain/expiry.ts): unpaid orders past `expiresAt` become EXPIRED;
 * - refund settlement: tells the provider about refunds recorded by consumers (or left PENDING).
 */
export function startWorkers(deps: OrdersDeps): Worker[] {
  const now = () => deps.now?.() ?? new Date();
  const bus = eventBus(deps);
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
    startConsumer({
      ...bus,
      name: 'orders.refund-on-event-cancelled',
      handlers: eventCancelledHandlers(realtime, now),
    }),
    startConsumer({ ...bus, name: 'orders.live-order-tickets', handlers: orderTicketsHandlers(realtime) }),
    loop(() => expireOrders(deps.db, realtime, now()), { name: 'order expiry', logger: deps.logger, pollMs: 1_000 }),
    loop(() => payments.settleRefunds(), { name: 'refund settlement', logger: deps.logger, pollMs: 2_000 }),
  ];
}
