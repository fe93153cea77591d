/** The tickets subgraph's realtime channels and payloads: subscriptions listen here, services publish after commit. */
import type { Logger } from '../../../shared/logger';
import { realtimePublisher, type RealtimePublisher } from '../../../shared/realtime/publisher';
import type { PubSub } from '../../../shared/realtime/pubsub';

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
 * it never throws (realtime fan-out is lossy: the durable record is the check-in row), so a
 * failed publish is logged and the check-in stands.
 */
export class TicketsRealtime {
  private readonly publisher: RealtimePublisher;

  constructor(deps: { pubsub: PubSub; logger: Logger }) {
    this.publisher = realtimePublisher(deps.pubsub, deps.logger);
  }

  checkedIn(notice: CheckInNotice): Promise<void> {
    return this.publisher.publish(channels.checkIns(notice.eventId), notice);
  }
}
