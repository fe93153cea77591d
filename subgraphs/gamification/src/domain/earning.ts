import type { Tx } from '../../../../shared/db';
import { recordActivity, type PointsTrigger } from '../data/activities';
import { activeRules, type EarningRule } from '../data/catalog';
import { joinedOpenAt } from '../data/challenges';
import { awardedBetween, entriesOfSource } from '../data/ledger';
import type { GamificationNotices } from '../realtime';
import { checkBadges } from './badges';
import { localDay, weekOf } from './calendar';
import type { Ledger } from './ledger';

/** Something a user did, as a domain event told it. */
export interface Occurrence {
  userId: string;
  trigger: PointsTrigger;
  /** The order, ticket, support ticket or user it is about (once per trigger and source). */
  sourceType: 'Order' | 'Ticket' | 'SupportTicket' | 'User' | 'Receipt';
  sourceId: string;
  eventId: string;
  /** The (tickets) event it happened at, if any: what challenges scoped to an event count. */
  scopeEventId?: string;
  occurredAt: Date;
  /** What was spent, for `pointsPerUnit` (orders). */
  amountCents?: number;
  /** Recorded but earning nothing (a ticket already voided when its check-in arrives). */
  voided?: boolean;
}

/** What a rule gives for an occurrence, before caps: (fixed + per whole unit) times the multiplier, rounded down. */
export function rulePoints(rule: Pick<EarningRule, 'fixedPoints' | 'pointsPerUnit' | 'multiplier'>, amountCents = 0) {
  const base = rule.fixedPoints + rule.pointsPerUnit * Math.floor(amountCents / 100);
  return Math.max(0, Math.floor(base * rule.multiplier + 1e-9));
}

/**
 * Turns occurrences into ledger entries: each occurrence is recorded once (per trigger and
 * source, so a redelivered or duplicated event earns nothing), then every rule active at the
 * occurrence's time awards its points, capped per user per local day and week; badges are
 * checked afterwards. Reversals take back what a source earned, in proportion.
 */
export class Earning {
  constructor(private readonly deps: { ledger: Ledger; timeZone: string }) {}

  /** False when the occurrence was already recorded (nothing done). */
  async occurred(tx: Tx, o: Occurrence, notices: GamificationNotices): Promise<boolean> {
    const day = localDay(o.occurredAt, this.deps.timeZone);
    const recorded = await recordActivity(tx, {
      userId: o.userId,
      trigger: o.trigger,
      sourceId: o.sourceId,
      eventId: o.scopeEventId ?? null,
      occurredAt: o.occurredAt,
      localDay: day,
      voided: o.voided ?? false,
    });
    if (!recorded) return false;
    if (o.voided) return true;
    notices.challengesChanged(await joinedOpenAt(tx, o.userId, o.occurredAt)); // COUNT challenges
    for (const rule of await activeRules(tx, o.trigger, o.occurredAt)) {
      const amount = await this.capped(tx, rule, o.userId, day, rulePoints(rule, o.amountCents));
      if (amount <= 0) continue;
      await this.deps.ledger.post(
        tx,
        {
          userId: o.userId,
          amount,
          kind: 'AWARD',
          reason: rule.name,
          ruleId: rule.id,
          sourceType: o.sourceType,
          sourceId: o.sourceId,
          eventId: o.eventId,
          occurredAt: o.occurredAt,
        },
        notices,
      );
    }
    await checkBadges(tx, { ...o, localDay: day });
    return true;
  }

  /** `points` less whatever would exceed the rule's daily or weekly cap for the user. */
  private async capped(tx: Tx, rule: EarningRule, userId: string, day: Date, points: number): Promise<number> {
    let amount = points;
    if (rule.dailyCap !== null && amount > 0)
      amount = Math.min(amount, rule.dailyCap - (await awardedBetween(tx, userId, rule.id, day, day)));
    if (rule.weeklyCap !== null && amount > 0) {
      const monday = weekOf(day);
      const sunday = new Date(monday.getTime() + 6 * 86_400_000);
      amount = Math.min(amount, rule.weeklyCap - (await awardedBetween(tx, userId, rule.id, monday, sunday)));
    }
    return amount;
  }

  /**
   * Takes back `refunded / total` of what a source earned, per rule: the reversed total
   * becomes floor(award x refunded / total), less what was already reversed. Called with the cumulative
   * fraction (all refunds of an order so far), the result does not depend on delivery order.
   * Reversals count against the leaderboard periods of the award they reverse.
   */
  async reverse(
    tx: Tx,
    r: {
      sourceType: 'Order' | 'Ticket';
      sourceId: string;
      refunded: number;
      total: number;
      eventId: string;
      occurredAt: Date;
      reason: string;
    },
    notices: GamificationNotices,
  ): Promise<void> {
    const byRule = new Map<string, { userId: string; awarded: number; reversed: number; awardedAt: Date }>();
    for (const e of await entriesOfSource(tx, r.sourceType, r.sourceId)) {
      if (!e.ruleId) continue;
      const sums = byRule.get(e.ruleId) ?? { userId: e.userId, awarded: 0, reversed: 0, awardedAt: e.occurredAt };
      if (e.kind === 'AWARD') sums.awarded += e.amount;
      else sums.reversed -= e.amount;
      byRule.set(e.ruleId, sums);
    }
    if (r.total <= 0) return;
    for (const [ruleId, sums] of byRule) {
      const target = Math.floor((sums.awarded * Math.min(r.refunded, r.total)) / r.total);
      const amount = target - sums.reversed;
      if (amount <= 0) continue;
      await this.deps.ledger.post(
        tx,
        {
          userId: sums.userId,
          amount: -amount,
          kind: 'REVERSAL',
          reason: r.reason,
          ruleId,
          sourceType: r.sourceType,
          sourceId: r.sourceId,
          eventId: r.eventId,
          occurredAt: r.occurredAt,
          scoreAt: sums.awardedAt,
        },
        notices,
      );
    }
  }
}
