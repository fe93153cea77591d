import type { Db } from '../../../../shared/db';
import { inTransaction } from '../../../../shared/db';
import { badInput, conflict } from '../../../../shared/errors';
import * as catalog from '../data/catalog';
import type { LedgerEntry } from '../data/ledger';
import { GamificationNotices, type GamificationRealtime } from '../realtime';
import type { Ledger } from './ledger';
import * as valid from './validation';

type Trigger = catalog.EarningRule['trigger'];

export interface EarningRuleInput {
  name: string;
  trigger: Trigger;
  fixedPoints?: number;
  pointsPerUnit?: number;
  multiplier?: number;
  dailyCap?: number | null;
  weeklyCap?: number | null;
  activeFrom?: Date | null;
  activeUntil?: Date | null;
  enabled?: boolean;
}
export interface LevelInput {
  name: string;
  description?: string;
  threshold: number;
  perks?: string[];
}
export interface BadgeInput {
  name: string;
  description?: string;
  kind: catalog.BadgeKind;
  requirements: { trigger: Trigger; count: number }[];
  windowDays?: number | null;
  enabled?: boolean;
}
export interface RewardInput {
  name: string;
  description?: string;
  cost: number;
  stock?: number | null;
  perUserLimit?: number | null;
  active?: boolean;
}

const POINTS = { min: 0, max: valid.MAX_POINTS };
const POSITIVE = { min: 1, max: valid.MAX_POINTS };

/**
 * ADMIN's side: earning rules, levels, badges and rewards (validated: bad input is
 * BAD_USER_INPUT naming the field and changes nothing), and point adjustments, which are
 * ledger entries like any other. Shield lets only ADMIN call these.
 */
export class AdminService {
  constructor(private readonly deps: { db: Db; ledger: Ledger; realtime: GamificationRealtime; now?: () => Date }) {}

  async adjustPoints(input: { userId: string; amount: number; reason: string }): Promise<LedgerEntry> {
    const userId = valid.uuid('input.userId', input.userId);
    const amount = valid.int('input.amount', input.amount, { min: -valid.MAX_POINTS, max: valid.MAX_POINTS });
    if (amount === 0) throw badInput('input.amount', 'input.amount must not be 0');
    const reason = valid.text('input.reason', input.reason, { min: 1, max: 300 });
    const notices = new GamificationNotices();
    const entry = await inTransaction(this.deps.db, (tx) =>
      this.deps.ledger.post(
        tx,
        { userId, amount, kind: 'ADJUSTMENT', reason, occurredAt: this.deps.now?.() ?? new Date() },
        notices,
      ),
    );
    // Adjustments have no (event, rule) to collide on: post always appends one.
    if (!entry || entry === 'insufficient') throw new Error('adjustment not posted');
    await this.deps.realtime.publish(notices);
    return entry;
  }

  rules = {
    create: (input: EarningRuleInput) => catalog.createRule(this.deps.db, ruleData(input)),
    update: async (id: string, input: EarningRuleInput) =>
      (await catalog.updateRule(this.deps.db, valid.uuid('id', id), ruleData(input))) ??
      Promise.reject(unknownId('Earning rule')),
  };

  levels = {
    create: async (input: LevelInput) => taken(await catalog.createLevel(this.deps.db, levelData(input))),
    update: async (id: string, input: LevelInput) =>
      taken(await catalog.updateLevel(this.deps.db, valid.uuid('id', id), levelData(input))) ??
      Promise.reject(unknownId('Level')),
    delete: (id: string) => catalog.deleteLevel(this.deps.db, valid.uuid('id', id)),
  };

  badges = {
    create: async (input: BadgeInput) => taken(await catalog.createBadge(this.deps.db, badgeData(input))),
    update: async (id: string, input: BadgeInput) =>
      taken(await catalog.updateBadge(this.deps.db, valid.uuid('id', id), badgeData(input))) ??
      Promise.reject(unknownId('Badge')),
  };

  rewards = {
    create: (input: RewardInput) => catalog.createReward(this.deps.db, rewardData(input)),
    update: async (id: string, input: RewardInput) =>
      (await catalog.updateReward(this.deps.db, valid.uuid('id', id), rewardData(input))) ??
      Promise.reject(unknownId('Reward')),
  };
}

const unknownId = (what: string) => badInput('id', `${what} not found`);

function taken<T>(result: T | 'taken'): T {
  if (result === 'taken') throw conflict('A level or badge with this name (or threshold) exists', 'input.name');
  return result;
}

function ruleData(input: EarningRuleInput): catalog.RuleData {
  const { from, until } = valid.window('input.activeFrom', input.activeFrom, 'input.activeUntil', input.activeUntil);
  return {
    name: valid.text('input.name', input.name, { min: 1, max: 120 }),
    trigger: input.trigger,
    fixedPoints: valid.int('input.fixedPoints', input.fixedPoints ?? 0, POINTS),
    pointsPerUnit: valid.int('input.pointsPerUnit', input.pointsPerUnit ?? 0, POINTS),
    multiplier: valid.multiplier('input.multiplier', input.multiplier ?? 1),
    dailyCap: valid.optionalInt('input.dailyCap', input.dailyCap, POSITIVE),
    weeklyCap: valid.optionalInt('input.weeklyCap', input.weeklyCap, POSITIVE),
    activeFrom: from,
    activeUntil: until,
    enabled: input.enabled ?? true,
  };
}

function levelData(input: LevelInput): catalog.LevelData {
  return {
    name: valid.text('input.name', input.name, { min: 1, max: 80 }),
    description: valid.text('input.description', input.description ?? '', { max: 500 }),
    threshold: valid.int('input.threshold', input.threshold, POINTS),
    perks: (input.perks ?? []).map((p, i) => valid.text(`input.perks.${i}`, p, { min: 1, max: 200 })),
  };
}

function badgeData(input: BadgeInput): catalog.BadgeData {
  const requirements = input.requirements.map((r, i) => ({
    trigger: r.trigger,
    count: valid.int(`input.requirements.${i}.count`, r.count, { min: 1, max: 10_000 }),
  }));
  const combo = input.kind === 'COMBO';
  if (combo ? requirements.length < 2 : requirements.length !== 1)
    throw badInput(
      'input.requirements',
      combo ? 'A COMBO badge needs at least two requirements' : 'This badge needs exactly one requirement',
    );
  if (input.kind === 'FIRST_TIME' && requirements[0]!.count !== 1)
    throw badInput('input.requirements.0.count', 'A FIRST_TIME badge counts 1');
  const windowDays =
    input.kind === 'WINDOWED' ? valid.int('input.windowDays', input.windowDays ?? 0, { min: 1, max: 366 }) : null;
  return {
    name: valid.text('input.name', input.name, { min: 1, max: 80 }),
    description: valid.text('input.description', input.description ?? '', { max: 500 }),
    kind: input.kind,
    requirements,
    windowDays,
    enabled: input.enabled ?? true,
  };
}

function rewardData(input: RewardInput): catalog.RewardData {
  return {
    name: valid.text('input.name', input.name, { min: 1, max: 120 }),
    description: valid.text('input.description', input.description ?? '', { max: 1000 }),
    cost: valid.int('input.cost', input.cost, POSITIVE),
    stock: valid.optionalInt('input.stock', input.stock, POINTS),
    perUserLimit: valid.optionalInt('input.perUserLimit', input.perUserLimit, POSITIVE),
    active: input.active ?? true,
  };
}
