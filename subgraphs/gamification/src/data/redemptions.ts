import type { Db, Tx } from '../../../../shared/db';

export type { Redemption } from '../../../../prisma/generated/prisma/client';
import type { Redemption, Reward } from '../../../../prisma/generated/prisma/client';

/**
 * Takes one unit of a reward's stock if it is active and any is left, in one conditional
 * UPDATE: it also locks the reward's row, so concurrent redemptions of one reward queue here
 * and each sees the stock and per-user counts the previous one left. Null when none is left
 * (or the reward is inactive or unknown).
 */
export async function takeOne(tx: Tx, rewardId: string): Promise<Reward | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE gamification.rewards SET remaining = remaining - 1
    WHERE id = ${rewardId}::uuid AND active AND (remaining IS NULL OR remaining > 0)
    RETURNING id`;
  return rows.length ? tx.reward.findUniqueOrThrow({ where: { id: rewardId } }) : null;
}

export const findReward = (db: Db | Tx, id: string) => db.reward.findUnique({ where: { id } });

export const countOfUser = (tx: Tx, rewardId: string, userId: string) =>
  tx.redemption.count({ where: { rewardId, userId } });

export const createRedemption = (tx: Tx, data: Redemption) => tx.redemption.create({ data });

export const findRedemptionsByIds = (db: Db, ids: string[]) => db.redemption.findMany({ where: { id: { in: ids } } });

/** A user's redemptions, newest first, after the keyset (redeemedAt, id) if given. */
export function listOfUser(db: Db, userId: string, after: { c: Date; i: string } | undefined, limit: number) {
  return db.redemption.findMany({
    where: {
      userId,
      ...(after && { OR: [{ redeemedAt: { lt: after.c } }, { redeemedAt: after.c, id: { lt: after.i } }] }),
    },
    orderBy: [{ redeemedAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
}

export const countOfUserAll = (db: Db, userId: string) => db.redemption.count({ where: { userId } });
