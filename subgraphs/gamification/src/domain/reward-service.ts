import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../../../shared/db';
import { inTransaction } from '../../../../shared/db';
import { badInput, conflict, unauthenticated } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import { listRewards, type Reward } from '../data/catalog';
import {
  countOfUser,
  countOfUserAll,
  createRedemption,
  findReward,
  listOfUser,
  takeOne,
  type Redemption,
} from '../data/redemptions';
import { GamificationNotices, type GamificationRealtime } from '../realtime';
import { seesEverything } from './access';
import { emitRewardRedeemed } from './events';
import type { Ledger } from './ledger';
import { uuid } from './validation';

const cursor = keysetCursor({ c: 'date', i: 'uuid' });
/** Redemption codes: 12 characters from an alphabet without look-alikes (60 bits). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newCode = () => [...randomBytes(12)].map((b) => ALPHABET[b % ALPHABET.length]).join('');

/**
 * Spending points. A redemption is one transaction: take one unit of stock with a conditional
 * UPDATE (which locks the reward's row, so redemptions of a reward queue there), check the
 * per-user limit under that lock, then post the spend, which locks the user's balance and
 * refuses what it does not cover. Any refusal rolls the whole redemption back: stock is never
 * exceeded and a balance never goes negative by spending, under any concurrency.
 *
 * Debt policy: a reversal (refund, voided ticket) takes back points even when they were spent;
 * the balance then goes negative, shown as `User.pointsDebt`, and nothing can be redeemed
 * until later points pay it off. Redemptions are never undone by a reversal.
 */
export class RewardService {
  constructor(private readonly deps: { db: Db; ledger: Ledger; realtime: GamificationRealtime; now?: () => Date }) {}

  list(ctx: RequestContext): Promise<Reward[]> {
    return listRewards(this.deps.db, !seesEverything(ctx.viewer));
  }

  async redeem(ctx: RequestContext, rewardIdInput: string): Promise<Redemption> {
    if (!ctx.viewer) throw unauthenticated();
    const userId = ctx.viewer.userId;
    const rewardId = uuid('rewardId', rewardIdInput);
    const notices = new GamificationNotices();
    const redemption = await inTransaction(this.deps.db, async (tx) => {
      const reward = await takeOne(tx, rewardId);
      if (!reward) {
        const existing = await findReward(tx, rewardId);
        if (!existing) throw badInput('rewardId', 'Reward not found');
        throw conflict(existing.active ? 'This reward is sold out' : 'This reward is not available', 'rewardId');
      }
      if (reward.perUserLimit !== null && (await countOfUser(tx, rewardId, userId)) >= reward.perUserLimit)
        throw conflict(`At most ${reward.perUserLimit} per user`, 'rewardId');
      const at = this.deps.now?.() ?? new Date();
      const id = randomUUID();
      const entry = await this.deps.ledger.post(
        tx,
        {
          userId,
          amount: -reward.cost,
          kind: 'REDEMPTION',
          reason: `Canje: ${reward.name}`,
          sourceType: 'Redemption',
          sourceId: id,
          occurredAt: at,
        },
        notices,
        { requireCover: true },
      );
      if (entry === 'insufficient' || !entry) throw conflict('Not enough points for this reward', 'rewardId');
      const created = await createRedemption(tx, {
        id,
        rewardId,
        userId,
        code: newCode(),
        cost: reward.cost,
        entryId: entry.id,
        redeemedAt: at,
      });
      await emitRewardRedeemed(tx, {
        redemptionId: created.id,
        rewardId,
        userId,
        cost: reward.cost,
        redeemedAt: at.toISOString(),
      });
      return created;
    });
    await this.deps.realtime.publish(notices);
    return redemption;
  }

  async mine(
    ctx: RequestContext,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<Redemption>> {
    if (!ctx.viewer) throw unauthenticated();
    const first = pageSize(args.first);
    const after = cursor.decode(args.after);
    const [rows, total] = await Promise.all([
      listOfUser(this.deps.db, ctx.viewer.userId, after, first + 1),
      countOfUserAll(this.deps.db, ctx.viewer.userId),
    ]);
    return toConnection(rows, first, total, (r) => cursor.encode({ c: r.redeemedAt, i: r.id }));
  }
}
