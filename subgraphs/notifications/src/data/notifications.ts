/**
 * Data access for `notifications.notifications` (the outbox of mail and the feed) and
 * `notifications.delivery_attempts`.
 */
import type {
  DeliveryAttempt,
  Notification,
  NotificationCategory,
  NotificationStatus,
  Prisma,
} from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { DeliveryAttempt, Notification, NotificationCategory, NotificationStatus };

export interface NewNotification {
  eventId: string;
  recipientKey: string;
  template: string;
  category: NotificationCategory;
  userId: string | null;
  toEmail: string;
  locale: string;
  subject: string;
  summary: string;
  html: string;
  text: string;
  images: Prisma.InputJsonValue;
  status: NotificationStatus;
  createdAt: Date;
}

/**
 * Queues a notification unless one of the same (event, recipient, template) exists: returns
 * the new row, or null for a duplicate. One statement, so two consumer instances applying the
 * same event concurrently still make one.
 */
export async function insertNotification(tx: Tx, n: NewNotification): Promise<Notification | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO notifications.notifications (id, event_id, recipient_key, template, category, user_id, to_email,
      locale, subject, summary, html, text, images, status, next_attempt_at, created_at)
    VALUES (gen_random_uuid(), ${n.eventId}::uuid, ${n.recipientKey}, ${n.template},
      ${n.category}::notifications."NotificationCategory", ${n.userId}::uuid, ${n.toEmail}, ${n.locale}, ${n.subject},
      ${n.summary}, ${n.html}, ${n.text}, ${JSON.stringify(n.images)}::jsonb,
      ${n.status}::notifications."NotificationStatus", ${n.createdAt}, ${n.createdAt})
    ON CONFLICT (event_id, recipient_key, template) DO NOTHING
    RETURNING id`;
  return rows[0] ? tx.notification.findUnique({ where: { id: rows[0].id } }) : null;
}

/**
 * Takes up to `limit` PENDING notifications that are due, pushing their next attempt `leaseMs`
 * ahead so that no other sender instance takes them meanwhile (`SKIP LOCKED`): a sender that
 * dies holding some leaves them due again once the lease passes.
 */
export async function claimDue(db: Db, now: Date, limit: number, leaseMs: number): Promise<Notification[]> {
  const lease = new Date(now.getTime() + leaseMs);
  const ids = await db.$queryRaw<{ id: string }[]>`
    UPDATE notifications.notifications SET next_attempt_at = ${lease}
    WHERE id IN (
      SELECT id FROM notifications.notifications
      WHERE status = 'PENDING' AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  if (ids.length === 0) return [];
  return db.notification.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { createdAt: 'asc' } });
}

/** What one attempt did to a notification: its attempt row and its new state, together. */
export async function recordAttempt(
  db: Db,
  id: string,
  attempt: { at: Date; ok: boolean; response: string },
  next: { status: NotificationStatus; nextAttemptAt: Date; lastError: string | null; sentAt: Date | null },
): Promise<void> {
  await db.$transaction([
    db.deliveryAttempt.create({
      data: { notificationId: id, attemptedAt: attempt.at, ok: attempt.ok, response: attempt.response.slice(0, 1000) },
    }),
    db.notification.update({
      where: { id },
      data: {
        status: next.status,
        attempts: { increment: 1 },
        nextAttemptAt: next.nextAttemptAt,
        lastError: next.lastError?.slice(0, 1000) ?? null,
        sentAt: next.sentAt,
      },
    }),
  ]);
}

export interface FeedQuery {
  userId: string;
  unreadOnly: boolean;
  after?: { c: Date; i: string };
  take: number;
}

const feedWhere = (q: Omit<FeedQuery, 'take' | 'after'>): Prisma.NotificationWhereInput => ({
  userId: q.userId,
  ...(q.unreadOnly ? { readAt: null } : {}),
});

/** A user's feed, newest first (keyset on createdAt, id). */
export function listFeed(db: Db, q: FeedQuery): Promise<Notification[]> {
  return db.notification.findMany({
    where: {
      ...feedWhere(q),
      ...(q.after ? { OR: [{ createdAt: { lt: q.after.c } }, { createdAt: q.after.c, id: { lt: q.after.i } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.take,
  });
}

export function countFeed(db: Db, q: Omit<FeedQuery, 'take' | 'after'>): Promise<number> {
  return db.notification.count({ where: feedWhere(q) });
}

/** Marks a user's unread notifications read (only `ids` when given); returns how many changed. */
export async function markRead(db: Db, userId: string, ids: string[] | null, now: Date): Promise<number> {
  const { count } = await db.notification.updateMany({
    where: { userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
    data: { readAt: now },
  });
  return count;
}

export interface OutboxQuery {
  status?: NotificationStatus;
  after?: { c: Date; i: string };
  take: number;
}

/** The outbox, newest first, for ADMIN. */
export function listOutbox(db: Db, q: OutboxQuery): Promise<Notification[]> {
  return db.notification.findMany({
    where: {
      ...(q.status ? { status: q.status } : {}),
      ...(q.after ? { OR: [{ createdAt: { lt: q.after.c } }, { createdAt: q.after.c, id: { lt: q.after.i } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.take,
  });
}

export function countOutbox(db: Db, status?: NotificationStatus): Promise<number> {
  return db.notification.count({ where: status ? { status } : {} });
}

export function findNotification(db: Db, id: string): Promise<Notification | null> {
  return db.notification.findUnique({ where: { id } });
}

/** Queues a FAILED or SUPPRESSED notification for an attempt now; null when it is not one of those. */
export async function requeue(db: Db, id: string, now: Date): Promise<Notification | null> {
  const { count } = await db.notification.updateMany({
    where: { id, status: { in: ['FAILED', 'SUPPRESSED'] } },
    data: { status: 'PENDING', nextAttemptAt: now, lastError: null },
  });
  return count ? findNotification(db, id) : null;
}

/** The attempts of these notifications, oldest first. */
export function findAttempts(db: Db, ids: readonly string[]): Promise<DeliveryAttempt[]> {
  return db.deliveryAttempt.findMany({
    where: { notificationId: { in: [...ids] } },
    orderBy: [{ attemptedAt: 'asc' }, { id: 'asc' }],
  });
}
