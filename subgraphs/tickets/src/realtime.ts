import type { Logger } from '../../../shared/logger';
import type { PubSub } from '../../../shared/realtime/pubsub';

/** The tickets subgraph's realtime channels: subscriptions listen here, services publish after commit. */
export const channels = {
  checkIns: (eventId: string) => `tickets:check-ins:${eventId}`,
};

/** A `checkIns` event: an accepted scan and the event's count of accepted scans with it. */
export interface CheckInNotice {
  eventId: string;
  ticketId: string;
  /** ISO-8601 (payloads travel as JSON). */
  checkedInAt: string;
  checkedInCount: number;
}

/**
 * Announces committed check-ins to subscribers. Call it only after the transaction committed;
 * it never throws (realtime fan-out is lossy, DESIGN §3): a failure is logged, and the
 * check-in stands.
 */
export class TicketsRealtime {
  constructor(private readonly deps: { pubsub: PubSub; logger: Logger }) {}

  async checkedIn(notice: CheckInNotice): Promise<void> {
    const channel = channels.checkIns(notice.eventId);
    try {
      await this.deps.pubsub.publish(channel, notice);
    } catch (err) {
      this.deps.logger.warn('realtime event dropped', { channel, error: (err as Error).message });
    }
  }
}
