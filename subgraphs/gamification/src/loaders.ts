import type { Db } from '../../../shared/db';
import { byId, groupedBy } from '../../../shared/loaders';
import { awardsOfUsers, findBadgesByIds, findLevelsByIds, findRewardsByIds, findRulesByIds } from './data/catalog';
import { findChallengesByIds } from './data/challenges';
import { findEntriesByIds, findTotals } from './data/ledger';
import { findReceiptsByIds } from './data/receipts';
import { findRedemptionsByIds } from './data/redemptions';
import { hiddenUsers } from './data/scores';

/** Per-request loaders: one SQL query per batch, results in key order (`null` when missing). */
export function createLoaders(db: Db) {
  return {
    totalsByUser: byId(async (ids) => (await findTotals(db, ids)).map((t) => ({ ...t, id: t.userId }))),
    hiddenByUser: byId((ids) => hiddenUsers(db, ids)),
    awardsByUser: groupedBy(
      (ids) => awardsOfUsers(db, ids),
      (a) => a.userId,
    ),
    badgeById: byId((ids) => findBadgesByIds(db, ids)),
    entryById: byId((ids) => findEntriesByIds(db, ids)),
    ruleById: byId((ids) => findRulesByIds(db, ids)),
    challengeById: byId((ids) => findChallengesByIds(db, ids)),
    levelById: byId((ids) => findLevelsByIds(db, ids)),
    rewardById: byId((ids) => findRewardsByIds(db, ids)),
    redemptionById: byId((ids) => findRedemptionsByIds(db, ids)),
    receiptById: byId((ids) => findReceiptsByIds(db, ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
