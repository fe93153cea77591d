import type { AfterCommit, EventHandlers } from '../../../../../shared/events/bus';
import type { DomainEvent } from '../../../../../shared/events/catalog';
import type { Tx } from '../../../../../shared/db';
import { GamificationNotices, type GamificationRealtime } from '../../realtime';
import type { Earning } from '../earning';

/**
 * `gamification.points` for receipts: an approved receipt is an occurrence of
 * RECEIPT_APPROVED (once per receipt), earning what the rules give for its total.
 */
export function receiptHandlers(deps: { earning: Earning; realtime: GamificationRealtime }): EventHandlers {
  return {
    ReceiptApproved: async (tx: Tx, event: DomainEvent<'ReceiptApproved'>, afterCommit: AfterCommit) => {
      const notices = new GamificationNotices();
      const r = event.payload;
      await deps.earning.occurred(
        tx,
        {
          userId: r.userId,
          trigger: 'RECEIPT_APPROVED',
          sourceType: 'Receipt',
          sourceId: r.receiptId,
          eventId: event.eventId,
          occurredAt: new Date(r.approvedAt),
          amountCents: r.amountCents,
        },
        notices,
      );
      afterCommit(() => deps.realtime.publish(notices));
    },
  };
}
