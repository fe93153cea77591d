import { eventBus, loop, startConsumer, startRelay, type Worker } from '../../../shared/events/bus';
import { closeDueChallenges } from './domain/challenge-closing';
import { Earning } from './domain/earning';
import { pointsHandlers } from './domain/event-handlers';
import { receiptHandlers } from './domain/receipts/receipt-events';
import { startReceiptWorkers } from './domain/receipts/workers';
import { Ledger } from './domain/ledger';
import { createRealtime } from './realtime';
import type { GamificationDeps } from './server';

/**
 * The event workers of a gamification process, each safe with several instances:
 * - the outbox relay (PointsAwarded, LevelReached, BadgeAwarded, ChallengeWon, RewardRedeemed);
 * - `gamification.points`: points and badges from OrderPaid, OrderRefunded, TicketCheckedIn,
 *   TicketVoided, SupportTicketRated (and SupportTicketResolved with a rating), UserChanged;
 *   and ReceiptApproved (its own: the RECEIPT_APPROVED rules);
 * - the challenge closer: fixes the winners of challenges whose window ended (every second);
 * - the receipt processor (extraction and rules, leased per receipt) and the expired-upload sweeper.
 */
export function startWorkers(deps: GamificationDeps): Worker[] {
  const bus = eventBus(deps);
  const realtime = createRealtime(deps);
  const ledger = new Ledger(deps.settings.timeZone);
  const earning = new Earning({ ledger, timeZone: deps.settings.timeZone });
  const consumer = startConsumer({
    ...bus,
    name: 'gamification.points',
    handlers: { ...pointsHandlers({ earning, realtime }), ...receiptHandlers({ earning, realtime }) },
  });
  const now = deps.now ?? (() => new Date());
  return [
    startRelay(bus),
    ...startReceiptWorkers(deps),
    loop(() => closeDueChallenges({ db: deps.db, ledger, realtime, now }), {
      logger: deps.logger,
      pollMs: 1000,
      name: 'challenge closer',
    }),
    {
      runOnce: () => consumer.runOnce(),
      async stop() {
        await consumer.stop();
        realtime.stop();
      },
    },
  ];
}
