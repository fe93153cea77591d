import { eventBus, loop, startConsumer, type Worker } from '../../../shared/events/bus';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { realtimePublisher } from '../../../shared/realtime/publisher';
import { MESSAGES_CONSUMER, messageHandlers } from './domain/event-handlers';
import { LowStockDigests } from './domain/low-stock-digest';
import { NotificationWriter } from './domain/notification-writer';
import { MailSender } from './domain/sender';
import { NotificationsRealtime } from './realtime';
import type { NotificationsDeps } from './server';

/**
 * The workers of a notifications process, each safe with several instances:
 * - `notifications.messages`: other domains' events into the outbox of mail and the feed;
 * - the sender: due mail to the SMTP server, retried with backoff;
 * - the low-stock digest: once a day, each seller's products with few units left.
 * Notifications emits no domain events, so it runs no outbox relay.
 */
export function startWorkers(deps: NotificationsDeps): Worker[] {
  const realtime = new NotificationsRealtime(realtimePublisher(pubsubFor(deps), deps.logger));
  const writer = new NotificationWriter({ realtime, now: deps.now });
  const consumer = startConsumer({
    ...eventBus(deps),
    name: MESSAGES_CONSUMER,
    handlers: messageHandlers({ writer, appUrl: deps.mail.appUrl, logger: deps.logger }),
  });
  const sender = new MailSender({ db: deps.db, settings: deps.mail, logger: deps.logger, now: deps.now });
  const sending = loop(() => sender.runOnce(), { logger: deps.logger, pollMs: deps.mail.pollMs, name: 'mail sender' });
  const digests = new LowStockDigests({
    db: deps.db,
    writer,
    settings: deps.mail.lowStock,
    appUrl: deps.mail.appUrl,
    logger: deps.logger,
    now: deps.now,
  });
  return [
    consumer,
    loop(() => digests.runOnce(), { logger: deps.logger, pollMs: deps.mail.lowStock.pollMs, name: 'low-stock digest' }),
    {
      runOnce: () => sending.runOnce(),
      async stop() {
        await sending.stop();
        sender.close();
      },
    },
  ];
}
