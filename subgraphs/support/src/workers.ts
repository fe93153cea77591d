import { startRelay, type Worker } from '../../../shared/events/bus';
import type { SubgraphDeps } from '../../../shared/subgraph';

/** The event workers of a support process: the outbox relay (support produces events, consumes none yet). */
export function startWorkers(deps: SubgraphDeps): Worker[] {
  return [startRelay({ db: deps.db, redis: deps.redis, stream: deps.eventStream, logger: deps.logger })];
}
