import type { RealtimePublisher } from '../../../shared/realtime/publisher';
import type { Notification } from './data/notifications';

/** The notifications subgraph's realtime channels: one per user's feed. */
export const channels = {
  feed: (userId: string) => `notifications:feed:${userId}`,
};

/** A `notificationAdded` event: the row as JSON (dates as ISO strings). */
export type NotificationNotice = Omit<Notification, 'createdAt' | 'readAt' | 'sentAt' | 'nextAttemptAt'> & {
  createdAt: string;
  readAt: string | null;
  sentAt: string | null;
  nextAttemptAt: string;
};

/** The row a notice carries, with its dates back. */
export function fromNotice(n: NotificationNotice): Notification {
  return {
    ...n,
    createdAt: new Date(n.createdAt),
    readAt: n.readAt ? new Date(n.readAt) : null,
    sentAt: n.sentAt ? new Date(n.sentAt) : null,
    nextAttemptAt: new Date(n.nextAttemptAt),
  };
}

/** Tells a user's feed subscribers about a committed notification (lossy: the feed query is the truth). */
export class NotificationsRealtime {
  constructor(private readonly publisher: RealtimePublisher) {}

  async added(notification: Notification): Promise<void> {
    if (!notification.userId) return;
    await this.publisher.publish(channels.feed(notification.userId), notification);
  }
}
