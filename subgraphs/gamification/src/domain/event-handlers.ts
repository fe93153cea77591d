import type { Tx } from '../../../../shared/db';
import type { AfterCommit, EventHandlers } from '../../../../shared/events/bus';
import type { DomainEvent, EventCatalog } from '../../../../shared/events/catalog';
import { voidActivity } from '../data/activities';
import { joinedOpenAt } from '../data/challenges';
import {
  findOrder,
  isTicketVoided,
  recordOrder,
  recordRefund,
  recordSellers,
  recordVoidedTicket,
  refundsOfOrder,
} from '../data/sources';
import { GamificationNotices, type GamificationRealtime } from '../realtime';
import type { Earning } from './earning';

/**
 * `gamification.points`: other domains' events turned into points and badges, each applied
 * once (`applyOnce`). Delivery order does not matter: a refund seen before the payment it
 * refunds is kept and applied when the payment arrives, a ticket voided before its check-in
 * is seen earns nothing then; either way the balances end as in commit order.
 */
export function pointsHandlers(deps: { earning: Earning; realtime: GamificationRealtime }): EventHandlers {
  const { earning } = deps;
  /** Runs `work` with a notice collector published after the consumer's commit. */
  const withNotices =
    <T extends keyof EventCatalog>(
      work: (tx: Tx, event: DomainEvent<T>, notices: GamificationNotices) => Promise<void>,
    ) =>
    async (tx: Tx, event: DomainEvent<T>, afterCommit: AfterCommit) => {
      const notices = new GamificationNotices();
      await work(tx, event, notices);
      afterCommit(() => deps.realtime.publish(notices));
    };

  const refund = async (
    tx: Tx,
    orderId: string,
    eventId: string,
    refundedAt: Date,
    reason: string,
    notices: GamificationNotices,
  ) => {
    const order = await findOrder(tx, orderId);
    if (!order) return; // applied when the payment arrives
    const refunded = (await refundsOfOrder(tx, orderId)).reduce((sum, r) => sum + r.amountCents, 0);
    await earning.reverse(
      tx,
      {
        sourceType: 'Order',
        sourceId: orderId,
        refunded,
        total: order.totalCents,
        eventId,
        occurredAt: refundedAt,
        reason,
      },
      notices,
    );
  };

  return {
    OrderPaid: withNotices<'OrderPaid'>(async (tx, event, notices) => {
      const paid = event.payload;
      const at = new Date(paid.paidAt);
      await recordOrder(tx, { orderId: paid.orderId, buyerId: paid.buyerId, totalCents: paid.totalCents, paidAt: at });
      await recordSellers(tx, paid.orderId, paid.lines);
      const base = {
        userId: paid.buyerId,
        sourceType: 'Order',
        sourceId: paid.orderId,
        eventId: event.eventId,
        occurredAt: at,
      } as const;
      await earning.occurred(tx, { ...base, trigger: 'ORDER_PAID', amountCents: paid.totalCents }, notices);
      const merchandise = paid.lines.filter((l) => l.productId);
      if (merchandise.length > 0)
        await earning.occurred(
          tx,
          {
            ...base,
            trigger: 'MERCHANDISE_BOUGHT',
            amountCents: merchandise.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
          },
          notices,
        );
      // Refunds delivered before this payment: reversed now, in the order they happened.
      for (const r of await refundsOfOrder(tx, paid.orderId))
        await refund(tx, paid.orderId, r.eventId, r.refundedAt, 'Reembolso del pedido', notices);
    }),
    OrderRefunded: withNotices<'OrderRefunded'>(async (tx, event, notices) => {
      const r = event.payload;
      const at = new Date(r.refundedAt);
      const recorded = await recordRefund(tx, {
        refundId: r.refundId,
        orderId: r.orderId,
        eventId: event.eventId,
        amountCents: r.amountCents,
        refundedAt: at,
      });
      if (recorded) await refund(tx, r.orderId, event.eventId, at, 'Reembolso del pedido', notices);
    }),
    TicketCheckedIn: withNotices<'TicketCheckedIn'>(async (tx, event, notices) => {
      const c = event.payload;
      await earning.occurred(
        tx,
        {
          userId: c.holderId,
          trigger: 'TICKET_CHECKED_IN',
          sourceType: 'Ticket',
          sourceId: c.ticketId,
          eventId: event.eventId,
          scopeEventId: c.eventId,
          occurredAt: new Date(c.checkedInAt),
          voided: await isTicketVoided(tx, c.ticketId),
        },
        notices,
      );
    }),
    TicketVoided: withNotices<'TicketVoided'>(async (tx, event, notices) => {
      const v = event.payload;
      const at = new Date(v.voidedAt);
      if (!(await recordVoidedTicket(tx, { ticketId: v.ticketId, eventId: v.eventId, voidedAt: at }))) return;
      for (const voided of await voidActivity(tx, 'TICKET_CHECKED_IN', v.ticketId))
        notices.challengesChanged(await joinedOpenAt(tx, voided.userId, voided.occurredAt));
      await earning.reverse(
        tx,
        {
          sourceType: 'Ticket',
          sourceId: v.ticketId,
          refunded: 1,
          total: 1,
          eventId: event.eventId,
          occurredAt: at,
          reason: 'Entrada anulada',
        },
        notices,
      );
    }),
    SupportTicketRated: withNotices<'SupportTicketRated'>(async (tx, event, notices) => {
      const r = event.payload;
      await earning.occurred(tx, rated(r.requesterId, r.ticketId, event.eventId, r.ratedAt), notices);
    }),
    // Support's older announcement of a rating: the same occurrence (once per support ticket,
    // whichever of the two events arrives first).
    SupportTicketResolved: withNotices<'SupportTicketResolved'>(async (tx, event, notices) => {
      const r = event.payload;
      if (!r.satisfaction || !r.requesterId) return;
      await earning.occurred(tx, rated(r.requesterId, r.ticketId, event.eventId, event.createdAt), notices);
    }),
    UserChanged: withNotices<'UserChanged'>(async (tx, event, notices) => {
      const u = event.payload;
      await earning.occurred(
        tx,
        {
          userId: u.userId,
          trigger: 'ACCOUNT_REGISTERED',
          sourceType: 'User',
          sourceId: u.userId,
          eventId: event.eventId,
          occurredAt: new Date(u.changedAt),
        },
        notices,
      );
    }),
  };
}

const rated = (userId: string, ticketId: string, eventId: string, at: string) =>
  ({
    userId,
    trigger: 'SUPPORT_TICKET_RATED',
    sourceType: 'SupportTicket',
    sourceId: ticketId,
    eventId,
    occurredAt: new Date(at),
  }) as const;
