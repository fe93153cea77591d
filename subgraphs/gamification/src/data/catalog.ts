import { Prisma } from '../../../../prisma/generated/prisma/client';
import type { Badge, EarningRule, Level, PointsTrigger, Reward } from '../../../../prisma/generated/prisma/client';
import { isUniqueViolation, type Db, type Tx } from '../../../../shared/db';

export type {
  Badge,
  BadgeAward,
  BadgeKind,
  EarningRule,
  Level,
  Reward,
} from '../../../../prisma/generated/prisma/client';

/**
 * What ADMIN manages: earning rules, levels, badges, rewards. Writes that would break a
 * unique name or threshold return `'taken'` instead of throwing the ORM's error.
 */
export type RuleData = Omit<EarningRule, 'id' | 'createdAt' | 'updatedAt'>;
export type LevelData = Omit<Level, 'id' | 'createdAt'>;
export type BadgeData = Omit<Badge, 'id' | 'createdAt' | 'requirements'> & {
  requirements: { trigger: PointsTrigger; count: number }[];
};
export type RewardData = Omit<Reward, 'id' | 'createdAt' | 'remaining'>;

async function unlessTaken<T>(write: Promise<T>): Promise<T | 'taken'> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err)) return 'taken';
    throw err;
  }
}
/** `update` of a missing row: null instead of the ORM's error. */
function notFound(err: unknown): null {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') return null;
  throw err;
}

/** The enabled rules of a trigger active at `at`. */
export function activeRules(tx: Tx, trigger: PointsTrigger, at: Date): Promise<EarningRule[]> {
  return tx.earningRule.findMany({
    where: {
      trigger,
      enabled: true,
      AND: [
        { OR: [{ activeFrom: null }, { activeFrom: { lte: at } }] },
        { OR: [{ activeUntil: null }, { activeUntil: { gt: at } }] },
      ],
    },
    orderBy: { createdAt: 'asc' },
  });
}

export const listRules = (db: Db) => db.earningRule.findMany({ orderBy: { createdAt: 'asc' } });
export const findRulesByIds = (db: Db, ids: string[]) => db.earningRule.findMany({ where: { id: { in: ids } } });
export const createRule = (db: Db, data: RuleData) => db.earningRule.create({ data });
export const updateRule = (db: Db, id: string, data: RuleData) =>
  db.earningRule.update({ where: { id }, data }).catch(notFound);

/** Every level, lowest first. */
export const listLevels = (db: Db | Tx) => db.level.findMany({ orderBy: { threshold: 'asc' } });
export const findLevelsByIds = (db: Db, ids: string[]) => db.level.findMany({ where: { id: { in: ids } } });
export const createLevel = (db: Db, data: LevelData) => unlessTaken(db.level.create({ data }));
export const updateLevel = (db: Db, id: string, data: LevelData) =>
  unlessTaken(db.level.update({ where: { id }, data }).catch(notFound));
export async function deleteLevel(db: Db, id: string): Promise<boolean> {
  const { count } = await db.level.deleteMany({ where: { id } });
  return count === 1;
}

export const listBadges = (db: Db, enabledOnly: boolean) =>
  db.badge.findMany({ where: enabledOnly ? { enabled: true } : {}, orderBy: { createdAt: 'asc' } });
export const findBadgesByIds = (db: Db, ids: string[]) => db.badge.findMany({ where: { id: { in: ids } } });
export const createBadge = (db: Db, data: BadgeData) => unlessTaken(db.badge.create({ data }));
export const updateBadge = (db: Db, id: string, data: BadgeData) =>
  unlessTaken(db.badge.update({ where: { id }, data }).catch(notFound));

/** Enabled badges with a requirement on `trigger` the user has not earned yet. */
export async function badgesToCheck(tx: Tx, userId: string, trigger: PointsTrigger): Promise<Badge[]> {
  const badges = await tx.badge.findMany({
    where: { enabled: true, awards: { none: { userId } } },
    orderBy: { createdAt: 'asc' },
  });
  return badges.filter((b) => requirementsOf(b).some((r) => r.trigger === trigger));
}

export function requirementsOf(badge: Badge): { trigger: PointsTrigger; count: number }[] {
  return badge.requirements as { trigger: PointsTrigger; count: number }[];
}

/** Awards a badge; false when the user already has it. */
export async function awardBadge(
  tx: Tx,
  award: { userId: string; badgeId: string; eventId: string | null; awardedAt: Date },
): Promise<boolean> {
  const { count } = await tx.badgeAward.createMany({ data: [award], skipDuplicates: true });
  return count === 1;
}

export const awardsOfUsers = (db: Db, userIds: string[]) =>
  db.badgeAward.findMany({ where: { userId: { in: userIds } }, orderBy: [{ awardedAt: 'asc' }, { id: 'asc' }] });

export const listRewards = (db: Db, activeOnly: boolean) =>
  db.reward.findMany({ where: activeOnly ? { active: true } : {}, orderBy: [{ cost: 'asc' }, { createdAt: 'asc' }] });
export const findRewardsByIds = (db: Db, ids: string[]) => db.reward.findMany({ where: { id: { in: ids } } });
export const createReward = (db: Db, data: RewardData) =>
  db.reward.create({ data: { ...data, remaining: data.stock } });

/**
 * Changes a reward; what is left becomes the new stock minus what was already redeemed
 * (never below 0), under the reward's row lock so concurrent redemptions stay counted.
 */
export function updateReward(db: Db, id: string, data: RewardData): Promise<Reward | null> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM gamification.rewards WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    const redeemed = await tx.redemption.count({ where: { rewardId: id } });
    const remaining = data.stock === null ? null : Math.max(0, data.stock - redeemed);
    return tx.reward.update({ where: { id }, data: { ...data, remaining } });
  });
}
