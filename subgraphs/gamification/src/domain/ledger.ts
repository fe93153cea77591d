import type { Tx } from '../../../../shared/db';
import { listLevels } from '../data/catalog';
import { joinedOpenAt } from '../data/challenges';
import { appendEntry, lockTotals, setLevel, type LedgerEntry, type NewEntry } from '../data/ledger';
import type { GamificationNotices } from '../realtime';
import { PERIODS, localDay, periodStart } from './calendar';
import { emitLevelReached, emitPointsAwarded } from './events';

/** An entry to post; `scoreAt` (default `occurredAt`) picks the leaderboard periods it counts in. */
export type Posting = Omit<NewEntry, 'localDay'> & { scoreAt?: Date };

/**
 * The one way points change: appends a ledger entry and, in the same transaction, moves the
 * user's balance, lifetime points and leaderboard totals, updates their level (announcing a
 * higher one) and emits `PointsAwarded`. The balance row is locked first, so one user's
 * postings apply one at a time and the running totals never drift from the ledger's sum.
 */
export class Ledger {
  constructor(private readonly timeZone: string) {}

  /**
   * Returns the entry, null when (eventId, ruleId) already had one, or 'insufficient' when
   * `requireCover` is set and the balance does not cover a negative amount (nothing changes).
   */
  async post(
    tx: Tx,
    posting: Posting,
    notices: GamificationNotices,
    { requireCover = false } = {},
  ): Promise<LedgerEntry | null | 'insufficient'> {
    const totals = await lockTotals(tx, posting.userId);
    if (requireCover && totals.balance + posting.amount < 0) return 'insufficient';
    const scoreDay = localDay(posting.scoreAt ?? posting.occurredAt, this.timeZone);
    const { scoreAt: _scoreAt, ...entryData } = posting;
    const entry = await appendEntry(
      tx,
      totals,
      { ...entryData, localDay: localDay(posting.occurredAt, this.timeZone) },
      PERIODS.map((period) => ({ period, start: periodStart(period, scoreDay) })),
    );
    if (!entry) return null;
    const countsForLifetime = entry.kind !== 'REDEMPTION';
    if (countsForLifetime) await this.updateLevel(tx, entry, totals);
    // Challenge rewards count in no challenge's progress.
    if (countsForLifetime && entry.sourceType !== 'Challenge')
      notices.challengesChanged(await joinedOpenAt(tx, entry.userId, entry.occurredAt));
    await emitPointsAwarded(tx, {
      entryId: entry.id,
      userId: entry.userId,
      amount: entry.amount,
      kind: entry.kind,
      reason: entry.reason,
      ruleId: entry.ruleId,
      sourceType: entry.sourceType,
      sourceId: entry.sourceId,
      balance: totals.balance,
      lifetimePoints: totals.lifetime,
      occurredAt: entry.occurredAt.toISOString(),
    });
    notices.pointsChanged(
      {
        userId: entry.userId,
        entryId: entry.id,
        balance: totals.balance,
        lifetime: totals.lifetime,
        levelId: totals.levelId,
      },
      countsForLifetime,
    );
    return entry;
  }

  /** The level is the highest threshold lifetime points reach; only going up is announced. */
  private async updateLevel(
    tx: Tx,
    entry: LedgerEntry,
    totals: { lifetime: number; levelId: string | null },
  ): Promise<void> {
    const levels = await listLevels(tx);
    const level = levels.filter((l) => l.threshold <= totals.lifetime).at(-1) ?? null;
    if ((level?.id ?? null) === totals.levelId) return;
    const previous = levels.find((l) => l.id === totals.levelId);
    await setLevel(tx, entry.userId, level?.id ?? null);
    totals.levelId = level?.id ?? null;
    if (level && (!previous || level.threshold > previous.threshold)) {
      await emitLevelReached(tx, {
        userId: entry.userId,
        levelId: level.id,
        name: level.name,
        threshold: level.threshold,
        lifetimePoints: totals.lifetime,
        reachedAt: entry.occurredAt.toISOString(),
      });
    }
  }
}
