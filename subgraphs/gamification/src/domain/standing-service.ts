import type { Db } from '../../../../shared/db';
import { unauthenticated } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import { listLevels, type BadgeAward, type Level } from '../data/catalog';
import { countEntries, listEntries, type LedgerEntry } from '../data/ledger';
import { rankedScoreOf, setHidden } from '../data/scores';
import type { Loaders } from '../loaders';
import type { LeaderboardEntryView } from '../models';
import { canSeePrivate, canSeeRules, canSeeStanding } from './access';
import { periodWindow, type Period } from './calendar';

/** What the standing service reads through the request's loaders. */
type Ctx = RequestContext & { loaders: Loaders };

const historyCursor = keysetCursor({ c: 'date', i: 'uuid' });

/**
 * A user's points, level, badges, history and rank: what `User` resolves here. Balances and
 * histories are private; standing is hidden with the user (domain/access.ts).
 */
export class StandingService {
  constructor(private readonly deps: { db: Db; timeZone: string; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async totals(ctx: Ctx, userId: string) {
    return (await ctx.loaders.totalsByUser.load(userId)) ?? { balance: 0, lifetime: 0 };
  }

  async hidden(ctx: Ctx, userId: string): Promise<boolean> {
    return (await ctx.loaders.hiddenByUser.load(userId))?.hidden ?? false;
  }

  private async standingVisible(ctx: Ctx, userId: string): Promise<boolean> {
    return canSeeStanding(ctx.viewer, userId, await this.hidden(ctx, userId));
  }

  /** Spendable points (shield lets only the user and ADMIN ask). */
  async points(ctx: Ctx, userId: string): Promise<number> {
    return (await this.totals(ctx, userId)).balance;
  }

  async lifetime(ctx: Ctx, userId: string): Promise<number | null> {
    if (!(await this.standingVisible(ctx, userId))) return null;
    return (await this.totals(ctx, userId)).lifetime;
  }

  /** The level reached (`next`: the one after it), by lifetime points and the levels as they are now. */
  async level(ctx: Ctx, userId: string, next = false): Promise<Level | null> {
    if (!(await this.standingVisible(ctx, userId))) return null;
    const lifetime = (await this.totals(ctx, userId)).lifetime;
    const levels = await listLevels(this.deps.db);
    return next
      ? (levels.find((l) => l.threshold > lifetime) ?? null)
      : (levels.filter((l) => l.threshold <= lifetime).at(-1) ?? null);
  }

  async badges(ctx: Ctx, userId: string): Promise<BadgeAward[]> {
    if (!(await this.standingVisible(ctx, userId))) return [];
    return ctx.loaders.awardsByUser.load(userId);
  }

  async history(
    userId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<LedgerEntry>> {
    const first = pageSize(args.first);
    const after = historyCursor.decode(args.after);
    const [rows, total] = await Promise.all([
      listEntries(this.deps.db, userId, after, first + 1),
      countEntries(this.deps.db, userId),
    ]);
    return toConnection(rows, first, total, (e) => historyCursor.encode({ c: e.createdAt, i: e.id }));
  }

  /** The user's place in the current window of `period`; null without points there or when hidden from the viewer. */
  async rank(ctx: Ctx, userId: string, period: Period): Promise<LeaderboardEntryView | null> {
    const { start } = periodWindow(period, this.now(), this.deps.timeZone);
    // One statement: the score, its rank and whether the user hides.
    const score = await rankedScoreOf(this.deps.db, period, start, userId);
    if (!score || !canSeeStanding(ctx.viewer, userId, score.hidden)) return null;
    return {
      rank: score.rank,
      points: score.points,
      userId,
      anonymous: score.hidden,
      isViewer: ctx.viewer?.userId === userId,
      reachedAt: score.reachedAt,
    };
  }

  /** The rule of an entry, for ADMIN only. */
  async ruleOf(ctx: Ctx, entry: LedgerEntry) {
    if (!entry.ruleId || !canSeeRules(ctx.viewer)) return null;
    return ctx.loaders.ruleById.load(entry.ruleId);
  }

  /** An entry, if the viewer may read it (subscriptions deliver entry ids). */
  async entry(ctx: Ctx, entryId: string): Promise<LedgerEntry | null> {
    const entry = await ctx.loaders.entryById.load(entryId);
    return entry && canSeePrivate(ctx.viewer, entry.userId) ? entry : null;
  }

  async setHidden(ctx: Ctx, hidden: boolean): Promise<boolean> {
    if (!ctx.viewer) throw unauthenticated();
    await setHidden(this.deps.db, ctx.viewer.userId, hidden);
    return hidden;
  }
}
