/**
 * `notifications.messages`: other domains' events turned into notifications, each event
 * applied once (`applyOnce`), in commit order, by one consumer, so the copy of users it keeps
 * (`UserChanged`) is there before the events that mail them. Every notification is also unique
 * per (event, recipient, template), so even a consumer whose processed record was lost mails
 * nothing twice.
 */
import type { Tx } from '../../../../shared/db';
import type { AfterCommit, EventHandlers } from '../../../../shared/events/bus';
import type { DomainEvent, EventCatalog } from '../../../../shared/events/catalog';
import type { Logger } from '../../../../shared/logger';
import { findPaidOrder, holdersOfEvent, recordHolders, recordPaidOrder, type PaidOrder } from '../data/orders';
import { findRecipient, upsertIfNewer } from '../data/recipients';
import { upsertStockIfNewer } from '../data/stock';
import { guestKey, type Addressee, type NotificationWriter } from './notification-writer';
import {
  accountMail,
  badgeAwarded,
  challengeWon,
  levelReached,
  eventCancelled,
  orderClosed,
  orderConfirmation,
  orderRefunded,
  supportReply,
  supportSlaBreached,
  supportWidgetTicket,
  type AccountMailKind,
  type Lang,
  type Rendered,
  type OrderLineView,
  type QrImage,
  type TicketView,
} from './templates';

/**
 * QR codes attached to one confirmation (inline and as files); further tickets are listed
 * without theirs, and show it in the app. Each PNG costs CPU to draw and some 2 KB of mail
 * twice: an order of 200 tickets would otherwise be a mail of a megabyte and seconds of work.
 */
export const MAX_QR_IMAGES_PER_MAIL = 20;

/** The one consumer of notifications: its name keys `processed_events` and its cursor. */
export const MESSAGES_CONSUMER = 'notifications.messages';

type Ticket = EventCatalog['TicketsIssued']['tickets'][number];

interface HandlerDeps {
  writer: NotificationWriter;
  /** The web app links in mails open. */
  appUrl: string;
  logger: Logger;
}

export function messageHandlers(deps: HandlerDeps): EventHandlers {
  const { writer, appUrl } = deps;
  const link = (path: string, params: Record<string, string> = {}) => {
    const url = new URL(path, appUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  };

  /** A user as notifications knows them, or null (logged) when no `UserChanged` was seen. */
  const userAddressee = async (tx: Tx, userId: string, why: string): Promise<Addressee | null> => {
    const r = await findRecipient(tx, userId);
    if (!r) {
      deps.logger.warn('notification for a user never announced by UserChanged; not sent', { userId, why });
      return null;
    }
    return { key: r.userId, userId: r.userId, feed: true, email: r.email, name: r.name, locale: r.locale };
  };

  const confirm = async (tx: Tx, afterCommit: AfterCommit, order: PaidOrder, tickets: Ticket[]) => {
    const to = await userAddressee(tx, order.buyerId, 'order-confirmation');
    if (!to) return;
    const lines = order.lines as EventCatalog['OrderPaid']['lines'];
    const images: QrImage[] = [];
    const views: TicketView[] = tickets.map((t, i) => {
      const image =
        t.qr && i < MAX_QR_IMAGES_PER_MAIL
          ? { filename: `ticket-${i + 1}-${t.ticketId.slice(0, 8)}.png`, cid: `qr-${t.ticketId}`, qr: t.qr }
          : null;
      if (image) images.push(image);
      return {
        ticketId: t.ticketId,
        eventTitle: t.eventTitle ?? '',
        ticketTypeName: t.ticketTypeName ?? '',
        startsAt: t.startsAt ?? null,
        venueName: t.venueName ?? null,
        image,
      };
    });
    const names = new Map(
      tickets.map((t) => [t.ticketTypeId, [t.eventTitle, t.ticketTypeName].filter(Boolean).join(' · ')]),
    );
    const lineViews: OrderLineView[] = lines.map((l) => ({
      label: (l.ticketTypeId && names.get(l.ticketTypeId)) || null,
      ticket: l.ticketTypeId !== null,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
    }));
    await writer.queue(tx, afterCommit, {
      eventId: order.eventId,
      template: 'order-confirmation',
      category: 'TRANSACTIONAL',
      to,
      images,
      render: (lang) =>
        orderConfirmation(lang, {
          name: to.name ?? '',
          orderId: order.orderId,
          currency: order.currency,
          totalCents: order.totalCents,
          lines: lineViews,
          tickets: views,
          link: link(`/orders/${order.orderId}`),
        }),
    });
  };

  /** An account mail: to the address the event names, with the link carrying its token. */
  const accountMailFor = async (
    tx: Tx,
    afterCommit: AfterCommit,
    event: DomainEvent<'EmailVerificationRequested' | 'PasswordResetRequested'>,
    kind: AccountMailKind,
    path: string,
  ) => {
    const p = event.payload;
    await writer.queue(tx, afterCommit, {
      eventId: event.eventId,
      template: kind,
      category: 'TRANSACTIONAL',
      to: accountAddressee(p),
      render: (lang) =>
        accountMail(kind, lang, { name: p.name, expiresAt: p.expiresAt, link: link(path, { token: p.token }) }),
    });
  };

  /** Gamification's news to its user: marketing-type, so their preferences decide whether it is mailed. */
  const gamificationNews = async (
    tx: Tx,
    afterCommit: AfterCommit,
    event: DomainEvent<'LevelReached' | 'BadgeAwarded' | 'ChallengeWon'>,
    template: string,
    render: (lang: Lang, name: string) => Rendered,
  ) => {
    const to = await userAddressee(tx, event.payload.userId, template);
    if (!to) return;
    await writer.queue(tx, afterCommit, {
      eventId: event.eventId,
      template,
      category: 'MARKETING',
      to,
      render: (lang) => render(lang, to.name ?? ''),
    });
  };

  return {
    UserChanged: async (tx, { payload: u }) => {
      await upsertIfNewer(tx, {
        userId: u.userId,
        email: u.email,
        name: u.name,
        locale: u.locale ?? 'es-ES',
        updatedAt: new Date(u.changedAt),
      });
    },
    // Kept for the daily low-stock digest (low-stock-digest.ts), which mails from the copy.
    StockChanged: async (tx, { payload: s }) => {
      await upsertStockIfNewer(tx, {
        productId: s.productId,
        sellerId: s.sellerId,
        productName: s.productName,
        available: s.available,
        changedAt: s.changedAt,
      });
    },
    EmailVerificationRequested: (tx, event, afterCommit) =>
      accountMailFor(tx, afterCommit, event, 'email-verification', '/verify-email'),
    PasswordResetRequested: (tx, event, afterCommit) =>
      accountMailFor(tx, afterCommit, event, 'password-reset', '/reset-password'),
    OrderPaid: async (tx, event: DomainEvent<'OrderPaid'>, afterCommit) => {
      const p = event.payload;
      const order = {
        orderId: p.orderId,
        eventId: event.eventId,
        buyerId: p.buyerId,
        currency: p.currency,
        totalCents: p.totalCents,
        lines: p.lines,
        paidAt: new Date(p.paidAt),
      };
      await recordPaidOrder(tx, order);
      // An order with tickets is confirmed once they are issued (TicketsIssued), with them.
      if (!p.lines.some((l) => l.ticketTypeId)) await confirm(tx, afterCommit, order, []);
    },
    OrderRefunded: async (tx, event, afterCommit) => {
      const p = event.payload;
      const to = await userAddressee(tx, p.buyerId, 'order-refunded');
      if (!to) return;
      await writer.queue(tx, afterCommit, {
        eventId: event.eventId,
        template: 'order-refunded',
        category: 'TRANSACTIONAL',
        to,
        render: (lang) =>
          orderRefunded(lang, {
            name: to.name ?? '',
            orderId: p.orderId,
            amountCents: p.amountCents,
            currency: p.currency,
            reason: p.reason,
            link: link(`/orders/${p.orderId}`),
          }),
      });
    },
    OrderCancelled: async (tx, event, afterCommit) => {
      const p = event.payload;
      const to = await userAddressee(tx, p.buyerId, 'order-closed');
      if (!to) return;
      await writer.queue(tx, afterCommit, {
        eventId: event.eventId,
        template: `order-${p.status.toLowerCase().replace('_', '-')}`,
        category: 'TRANSACTIONAL',
        to,
        render: (lang) => orderClosed(lang, { name: to.name ?? '', orderId: p.orderId, status: p.status }),
      });
    },
    EventCancelled: async (tx, event, afterCommit) => {
      const p = event.payload;
      for (const holderId of await holdersOfEvent(tx, p.eventId)) {
        const to = await userAddressee(tx, holderId, 'event-cancelled');
        if (!to) continue;
        await writer.queue(tx, afterCommit, {
          eventId: event.eventId,
          template: 'event-cancelled',
          category: 'TRANSACTIONAL',
          to,
          render: (lang) => eventCancelled(lang, { name: to.name ?? '', eventTitle: p.title ?? '', reason: p.reason }),
        });
      }
    },
    SupportWidgetTicketOpened: async (tx, event, afterCommit) => {
      const p = event.payload;
      const to = guestAddressee(p.guestEmail, p.guestName);
      await writer.queue(tx, afterCommit, {
        eventId: event.eventId,
        template: 'support-widget-ticket',
        category: 'TRANSACTIONAL',
        to,
        render: (lang) =>
          supportWidgetTicket(lang, {
            name: p.guestName,
            number: p.number,
            subject: p.subject,
            link: link(`/support/tickets/${p.ticketId}`, { visitorToken: p.visitorToken }),
          }),
      });
    },
    SupportReplyPosted: async (tx, event, afterCommit) => {
      const p = event.payload;
      const to = p.requesterId
        ? await userAddressee(tx, p.requesterId, 'support-reply')
        : p.guestEmail
          ? guestAddressee(p.guestEmail, p.guestName)
          : null;
      if (!to) return;
      await writer.queue(tx, afterCommit, {
        eventId: event.eventId,
        template: 'support-reply',
        category: 'TRANSACTIONAL',
        to,
        render: (lang) =>
          supportReply(lang, {
            name: to.name,
            number: p.number,
            subject: p.subject,
            body: p.body,
            guest: !p.requesterId,
            link: link(`/support/tickets/${p.ticketId}`),
          }),
      });
    },
    SupportSlaBreached: async (tx, event, afterCommit) => {
      const p = event.payload;
      // An unassigned ticket alerts no one by mail: the agents' queue shows the breach.
      if (!p.assigneeId) return;
      const to = await userAddressee(tx, p.assigneeId, 'support-sla-breached');
      if (!to) return;
      await writer.queue(tx, afterCommit, {
        eventId: event.eventId,
        template: 'support-sla-breached',
        category: 'TRANSACTIONAL',
        to,
        render: (lang) =>
          supportSlaBreached(lang, {
            name: to.name ?? '',
            number: p.number,
            subject: p.subject,
            priority: p.priority,
            link: link(`/support/tickets/${p.ticketId}`),
          }),
      });
    },
    // A level of threshold 0 is where everyone starts (the first points reach it): not news.
    LevelReached: async (tx, event, afterCommit) => {
      if (event.payload.threshold === 0) return;
      await gamificationNews(tx, afterCommit, event, 'level-reached', (lang, name) =>
        levelReached(lang, {
          name,
          level: event.payload.name,
          lifetimePoints: event.payload.lifetimePoints,
          link: link('/me/points'),
        }),
      );
    },
    BadgeAwarded: (tx, event, afterCommit) =>
      gamificationNews(tx, afterCommit, event, 'badge-awarded', (lang, name) =>
        badgeAwarded(lang, { name, badge: event.payload.name, link: link('/me/badges') }),
      ),
    ChallengeWon: (tx, event, afterCommit) =>
      gamificationNews(tx, afterCommit, event, 'challenge-won', (lang, name) =>
        challengeWon(lang, {
          name,
          challenge: event.payload.name,
          rewardPoints: event.payload.rewardPoints,
          badgeName: event.payload.badgeName,
          link: link(`/challenges/${event.payload.challengeId}`),
        }),
      ),
    TicketsIssued: async (tx, { payload: p }, afterCommit) => {
      await recordHolders(
        tx,
        p.tickets.map((t) => ({ ticketId: t.ticketId, eventId: t.eventId, holderId: t.holderId, orderId: p.orderId })),
      );
      const order = await findPaidOrder(tx, p.orderId);
      if (order) await confirm(tx, afterCommit, order, p.tickets);
      else
        deps.logger.warn('TicketsIssued for an order whose OrderPaid was not seen; no confirmation', {
          orderId: p.orderId,
        });
    },
  };
}

/** Account mail goes to the address the event names (maybe not yet the one on file) and is not in the feed. */
function accountAddressee(p: { userId: string; email: string; name: string; locale: string }): Addressee {
  return { key: p.userId, userId: p.userId, feed: false, email: p.email, name: p.name, locale: p.locale };
}

/** A help-desk guest: mail only (no feed), in the default language. */
function guestAddressee(email: string, name: string | null): Addressee {
  return { key: guestKey(email), userId: null, feed: false, email, name, locale: null };
}
