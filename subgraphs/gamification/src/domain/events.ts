import type { Tx } from '../../../../shared/db';
import type { EventCatalog } from '../../../../shared/events/catalog';
import { eventProducer } from '../../../../shared/events/outbox';

/** The gamification domain's events, emitted in the transaction that makes the change. */
const producer = eventProducer('gamification');

export const emitPointsAwarded = (tx: Tx, payload: EventCatalog['PointsAwarded']) =>
  producer.emit(tx, 'PointsAwarded', payload);
export const emitLevelReached = (tx: Tx, payload: EventCatalog['LevelReached']) =>
  producer.emit(tx, 'LevelReached', payload);
export const emitBadgeAwarded = (tx: Tx, payload: EventCatalog['BadgeAwarded']) =>
  producer.emit(tx, 'BadgeAwarded', payload);
export const emitRewardRedeemed = (tx: Tx, payload: EventCatalog['RewardRedeemed']) =>
  producer.emit(tx, 'RewardRedeemed', payload);
export const emitReceiptApproved = (tx: Tx, payload: EventCatalog['ReceiptApproved']) =>
  producer.emit(tx, 'ReceiptApproved', payload);
export const emitChallengeWon = (tx: Tx, payload: EventCatalog['ChallengeWon']) =>
  producer.emit(tx, 'ChallengeWon', payload);
