import type { RealtimePublisher } from '../../../shared/realtime/publisher';
import type { Message, SupportTicket } from './data/tickets';

/** The support subgraph's realtime channels: subscriptions listen here, services publish after commit. */
export const channels = {
  messages: (ticketId: string) => `support:ticket-messages:${ticketId}`,
  queue: 'support:queue',
};

/** What happened to a ticket of the agents' queue (the SupportQueueChange enum). */
export type SupportQueueChange = 'CREATED' | 'ASSIGNED' | 'STATUS_CHANGED' | 'SLA_BREACHED';

/** A `supportMessageAdded` event: the message row as JSON (so `createdAt` is an ISO string). */
export type MessageNotice = Omit<Message, 'createdAt'> & { createdAt: string };

/** A `supportQueueUpdated` event: what happened to which ticket. */
export interface SupportQueueNotice {
  change: SupportQueueChange;
  ticketId: string;
}

/**
 * What one transaction changed, gathered while it runs and published once it committed
 * (`SupportRealtime.publish`): a rolled-back transaction's notices are simply dropped.
 */
export class SupportNotices {
  readonly messages: Message[] = [];
  readonly queue: SupportQueueNotice[] = [];

  messageAdded(message: Message): void {
    this.messages.push(message);
  }

  /** A ticket was opened (`before` null) or changed: the queue changes it makes. */
  ticketChanged(before: SupportTicket | null, after: SupportTicket): void {
    const changes: SupportQueueChange[] = [];
    if (!before) changes.push('CREATED');
    else {
      if (before.assigneeId !== after.assigneeId) changes.push('ASSIGNED');
      if (before.status !== after.status) changes.push('STATUS_CHANGED');
    }
    if (after.slaBreached && !before?.slaBreached) changes.push('SLA_BREACHED');
    this.queue.push(...changes.map((change) => ({ change, ticketId: after.id })));
  }
}

/**
 * Publishes committed changes to subscribers, through the never-throwing publisher: realtime
 * fan-out is lossy (durable effects travel as events through the outbox), so a failed publish
 * is logged and the change stands.
 */
export class SupportRealtime {
  constructor(private readonly publisher: RealtimePublisher) {}

  async publish(notices: SupportNotices): Promise<void> {
    for (const message of notices.messages) await this.publisher.publish(channels.messages(message.ticketId), message);
    for (const notice of notices.queue) await this.publisher.publish(channels.queue, notice);
  }
}
