import type { Db } from '../../../../shared/db';
import { keysetCursor, pageSize } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import { countRanked, leaderboardPage, rankOf, scoreOf, type ScoreRow } from '../data/scores';
import type { LeaderboardEntryView, LeaderboardView } from '../models';
import { showsOnLeaderboard } from './access';
import { periodWindow, type Period } from './calendar';

const cursor = keysetCursor({ p: 'int', r: 'date', u: 'uuid' });

/**
 * Leaderboards of the current window of a period, in the configured time zone: points earned
 * in it (spending excluded), ties broken by who reached their total first. Each page is an
 * index range scan; ranks are counts on the same index.
 */
export class LeaderboardService {
  constructor(private readonly deps: { db: Db; timeZone: string; now?: () => Date }) {}

  async page(
    ctx: RequestContext,
    args: { period: Period; first?: number | null; after?: string | null },
  ): Promise<LeaderboardView> {
    const first = pageSize(args.first);
    const after = cursor.decode(args.after);
    const window = periodWindow(args.period, this.deps.now?.() ?? new Date(), this.deps.timeZone);
    const afterKey = after && { points: after.p, reachedAt: after.r, userId: after.u };
    const { db } = this.deps;
    const viewerId = ctx.viewer?.userId;
    const [rows, totalCount, firstRank, viewerScore] = await Promise.all([
      leaderboardPage(db, args.period, window.start, afterKey, first + 1),
      countRanked(db, args.period, window.start),
      afterKey ? rankOf(db, args.period, window.start, afterKey).then((r) => r + 1) : Promise.resolve(1),
      viewerId ? scoreOf(db, args.period, window.start, viewerId) : Promise.resolve(null),
    ]);
    const entry = (row: ScoreRow, rank: number): LeaderboardEntryView => ({
      rank,
      points: row.points,
      userId: row.userId,
      anonymous: !showsOnLeaderboard(ctx.viewer, row.userId, row.hidden),
      isViewer: row.userId === viewerId,
      reachedAt: row.reachedAt,
    });
    const page = rows.slice(0, first);
    const edges = page.map((row, i) => ({
      cursor: cursor.encode({ p: row.points, r: row.reachedAt, u: row.userId }),
      node: entry(row, firstRank + i),
    }));
    const viewerEntry =
      viewerScore && viewerScore.points > 0
        ? entry(
            viewerScore,
            edges.find((e) => e.node.isViewer)?.node.rank ?? (await rankOf(db, args.period, window.start, viewerScore)),
          )
        : null;
    return {
      period: args.period,
      startsAt: window.startsAt,
      endsAt: window.endsAt,
      timeZone: this.deps.timeZone,
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
      viewerEntry,
    };
  }
}
