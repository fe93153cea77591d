/**
 * Turns "tell this person this" into a queued notification: renders the template in the
 * recipient's language, decides whether it is mailed (marketing mail honours preferences),
 * and inserts it once per (event, recipient, template). A user's notification is announced to
 * their feed after the consumer's commit.
 */
import type { Tx } from '../../../../shared/db';
import type { AfterCommit } from '../../../../shared/events/bus';
import { insertNotification, type NotificationCategory } from '../data/notifications';
import { findPreferences } from '../data/preferences';
import type { NotificationsRealtime } from '../realtime';
import { langOf, type Lang, type QrImage, type Rendered } from './templates';

/** Who a notification is for. `userId` null: account mail (not in a feed) or a guest. */
export interface Addressee {
  /** A user's id, or `guest:<email>`. */
  key: string;
  userId: string | null;
  /** Whether it shows in the user's feed (account mail does not). */
  feed: boolean;
  email: string;
  name: string | null;
  locale: string | null;
}

export interface Queued {
  eventId: string;
  template: string;
  category: NotificationCategory;
  to: Addressee;
  render(lang: Lang): Rendered;
  images?: QrImage[];
}

export const guestKey = (email: string) => `guest:${email.toLowerCase()}`;

export class NotificationWriter {
  constructor(private readonly deps: { realtime: NotificationsRealtime; now?: () => Date }) {}

  /** Queues it in `tx` unless it exists; whether it was new. */
  async queue(tx: Tx, afterCommit: AfterCommit, q: Queued): Promise<boolean> {
    const lang = langOf(q.to.locale);
    const rendered = q.render(lang);
    const optedOut =
      q.category === 'MARKETING' &&
      q.to.userId !== null &&
      (await findPreferences(tx, [q.to.userId]))[0]?.marketingEmail === false;
    const row = await insertNotification(tx, {
      eventId: q.eventId,
      recipientKey: q.to.key,
      template: q.template,
      category: q.category,
      userId: q.to.feed ? q.to.userId : null,
      toEmail: q.to.email,
      locale: lang,
      ...rendered,
      images: (q.images ?? []).map((i) => ({ ...i })),
      status: optedOut ? 'SUPPRESSED' : 'PENDING',
      createdAt: this.deps.now?.() ?? new Date(),
    });
    if (row) afterCommit(() => this.deps.realtime.added(row));
    return row !== null;
  }
}
