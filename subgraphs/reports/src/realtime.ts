import type Redis from 'ioredis';
import type { Logger } from '../../../shared/logger';
import { Coalescer } from '../../../shared/realtime/coalesce';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { realtimePublisher } from '../../../shared/realtime/publisher';
import type { Scope } from './data/queries';
import type { ReportsSettings } from './settings';

/** The reports subgraph's realtime channels: one per dashboard scope. */
export const channels = {
  dashboard: (scope: Scope) => `reports:dashboard:${scope.kind}:${scope.id}`,
};

/** A `dashboardUpdated` event: which scope changed (the resolver reads its figures). */
export interface DashboardNotice {
  channel: string;
}

/**
 * Tells dashboards their figures changed, after the consumer's commit, coalesced per scope:
 * the first change publishes at once, a burst becomes at most one publish per
 * `dashboardCoalesceMs`.
 */
export class ReportsRealtime {
  private readonly coalescer: Coalescer<string>;

  constructor(deps: { redis?: Redis; logger: Logger; coalesceMs: number }) {
    const publisher = realtimePublisher(pubsubFor(deps), deps.logger);
    this.coalescer = new Coalescer(deps.coalesceMs, (channel) => {
      void publisher.publish(channel, { channel } satisfies DashboardNotice);
    });
  }

  changed(scopes: readonly Scope[]): void {
    for (const scope of scopes) this.coalescer.changed(channels.dashboard(scope));
  }

  stop(): void {
    this.coalescer.stop();
  }
}

/** The realtime publisher of a reports process (through Redis when `redis` is set). */
export function createRealtime(deps: { redis?: Redis; logger: Logger; settings: ReportsSettings }): ReportsRealtime {
  return new ReportsRealtime({ redis: deps.redis, logger: deps.logger, coalesceMs: deps.settings.dashboardCoalesceMs });
}
