import { eventBus, loop, startConsumer, startRelay, type Worker } from '../../../shared/events/bus';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { realtimePublisher } from '../../../shared/realtime/publisher';
import { knownEntityHandlers, userDirectoryHandlers } from './domain/event-handlers';
import { recordDueBreaches } from './domain/sla-breaches';
import { SlaService } from './domain/sla-service';
import { TicketWriter } from './domain/ticket-writer';
import { SupportRealtime } from './realtime';
import type { SupportDeps } from './server';

/** How often the breach sweeper looks for tickets past their SLA due time. */
const SLA_SWEEP_MS = 5_000;

/**
 * The event workers of a support process, each safe with several instances:
 * - the outbox relay (support's events, docs/events.md);
 * - `support.user-directory`: support's copy of users (email, roles, status) from `UserChanged`;
 * - `support.known-entities`: what customers may link to a ticket (orders' buyers, tickets'
 *   holders, published events) from `OrderPlaced`, `TicketsIssued`, `EventPublished`;
 * - the SLA breach sweeper: marks tickets that fell past due untouched as breached
 *   (`SupportSlaBreached`, the agents' queue hears `SLA_BREACHED`).
 */
export function startWorkers(deps: SupportDeps): Worker[] {
  const bus = eventBus(deps);
  const now = () => deps.now?.() ?? new Date();
  const sla = new SlaService({ db: deps.db, calendar: deps.settings.calendar, now });
  const realtime = new SupportRealtime(realtimePublisher(pubsubFor(deps), deps.logger));
  const writer = new TicketWriter({ db: deps.db, sla, realtime, now });
  return [
    startRelay(bus),
    startConsumer({ ...bus, name: 'support.user-directory', handlers: userDirectoryHandlers() }),
    startConsumer({ ...bus, name: 'support.known-entities', handlers: knownEntityHandlers() }),
    loop(() => recordDueBreaches({ db: deps.db, writer, sla, now }), {
      logger: deps.logger,
      pollMs: SLA_SWEEP_MS,
      name: 'SLA breach sweeper',
    }),
  ];
}
