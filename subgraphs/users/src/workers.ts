import { eventBus, startRelay, type Worker } from '../../../shared/events/bus';
import type { SubgraphDeps } from '../../../shared/subgraph';

/** The event workers of a users process: the outbox relay (users produces `UserChanged`, consumes nothing). */
export function startWorkers(deps: SubgraphDeps): Worker[] {
  return [startRelay(eventBus(deps))];
}
