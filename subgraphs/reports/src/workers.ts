import { eventBus, startConsumer, type Worker } from '../../../shared/events/bus';
import { READ_MODEL_CONSUMER, readModelConsumer } from './domain/event-handlers';
import { createRealtime } from './realtime';
import type { ReportsDeps } from './server';

/**
 * The event workers of a reports process, safe with several instances: `reports.read-model`,
 * the read model from orders', tickets', support's, users' and gamification's events. Reports
 * emits no events, so it runs no outbox relay.
 */
export function startWorkers(deps: ReportsDeps): Worker[] {
  const realtime = createRealtime(deps);
  const consumer = startConsumer({
    ...eventBus(deps),
    name: READ_MODEL_CONSUMER,
    ...readModelConsumer({ realtime }),
    // One commit per batch, and one statement per table (beforeCommit): a burst of paid orders
    // is applied at hundreds per second.
    transactionPerBatch: true,
  });
  return [
    {
      runOnce: () => consumer.runOnce(),
      async stop() {
        await consumer.stop();
        realtime.stop();
      },
    },
  ];
}
