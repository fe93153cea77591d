import { startConsumer, startRelay, type Worker } from '../../../shared/events/bus';
import type { SubgraphDeps } from '../../../shared/subgraph';
import { knownEntityHandlers, userDirectoryHandlers } from './domain/event-handlers';

/**
 * The event workers of a support process, each safe with several instances:
 * - the outbox relay (SupportTicketCreated, SupportTicketResolved);
 * - `support.user-directory`: support's copy of users (email, roles, status) from `UserChanged`;
 * - `support.known-entities`: what customers may link to a ticket (orders' buyers, tickets'
 *   holders, published events) from `OrderPlaced`, `TicketsIssued`, `EventPublished`.
 */
export function startWorkers(deps: SubgraphDeps): Worker[] {
  const bus = { db: deps.db, redis: deps.redis, stream: deps.eventStream, logger: deps.logger };
  return [
    startRelay(bus),
    startConsumer({ ...bus, name: 'support.user-directory', handlers: userDirectoryHandlers() }),
    startConsumer({ ...bus, name: 'support.known-entities', handlers: knownEntityHandlers() }),
  ];
}
