import { startRelay, type Worker } from '../../../shared/events/bus';
import type { SubgraphDeps } from '../../../shared/subgraph';

/** The event workers of a users process: the outbox relay (users produces `UserChanged`, consumes nothing). */
export function startWorkers(deps: SubgraphDeps): Worker[] {
  return [startRelay({ db: deps.db, redis: deps.redis, stream: deps.eventStream, logger: deps.logger })];
}
