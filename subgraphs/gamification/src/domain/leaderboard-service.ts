import type { Db } from '../../../../shared/db';
import { badInput } from '../../../../shared/errors';
import { uuid } from '../../../../shared/validation';
import { keysetCursor, pageSize } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import { challengeBoard, findChallengesByIds, type Challenge } from '../data/challenges';
import { readLeaderboard } from '../data/scores';
import type { LeaderboardEntryView, LeaderboardView } from '../models';
import { showsOnLeaderboard } from './access';
import { periodWindow, type Period } from './calendar';

const cursor = keysetCursor({ p: 'int', r: 'date', u: 'uuid' });

/**
 * Leaderboards of the current window of a period, in the configured time zone: points earned
 * in it (spending excluded), ties broken by who reached their total first; or of a challenge's
 * participants by progress in its window. A period's page is one statement: an index range
 * scan of the page, and ranks as sums over the per-total counts (data/scores.ts).
 */
export class LeaderboardService {
  constructor(private readonly deps: { db: Db; timeZone: string; now?: () => Date }) {}

  async page(
    ctx: RequestContext,
    args: { period: Period; challengeId?: string | null; first?: number | null; after?: string | null },
  ): Promise<LeaderboardView> {
    const first = pageSize(args.first);
    const after = cursor.decode(args.after);
    const afterKey = after && { points: after.p, reachedAt: after.r, userId: after.u };
    if (args.challengeId != null)
      return this.challengePage(ctx, await this.challenge(args.challengeId), afterKey, first);
    const window = periodWindow(args.period, this.deps.now?.() ?? new Date(), this.deps.timeZone);
    const read = await readLeaderboard(
      this.deps.db,
      args.period,
      window.start,
      afterKey,
      first + 1,
      ctx.viewer?.userId,
    );
    const firstRank = afterKey ? read.afterRank + 1 : 1;
    const edges = read.rows.slice(0, first).map((row, i) => toEdge(toEntry(ctx, row, firstRank + i)));
    const viewerEntry = read.viewer && toEntry(ctx, read.viewer, read.viewer.rank);
    return {
      period: args.period,
      challenge: null,
      startsAt: window.startsAt,
      endsAt: window.endsAt,
      timeZone: this.deps.timeZone,
      edges,
      pageInfo: { hasNextPage: read.rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: read.total,
      viewerEntry,
    };
  }

  /** The challenge named by `challengeId`; BAD_USER_INPUT on `challengeId` when malformed or unknown. */
  async challenge(challengeId: string): Promise<Challenge> {
    const [challenge] = await findChallengesByIds(this.deps.db, [uuid('challengeId', challengeId)]);
    if (!challenge) throw badInput('challengeId', 'Challenge not found');
    return challenge;
  }

  /** A challenge's participants by progress in its window: one query ranks them all (see data/challenges.ts). */
  private async challengePage(
    ctx: RequestContext,
    challenge: Challenge,
    after: { points: number; reachedAt: Date; userId: string } | undefined,
    first: number,
  ): Promise<LeaderboardView> {
    const viewerId = ctx.viewer?.userId;
    const board = await challengeBoard(this.deps.db, challenge, after, first + 1, viewerId);
    const edges = board.page.slice(0, first).map((row) => toEdge(toEntry(ctx, row, row.rank)));
    return {
      period: null,
      challenge,
      startsAt: challenge.startsAt,
      endsAt: challenge.endsAt,
      timeZone: this.deps.timeZone,
      edges,
      pageInfo: { hasNextPage: board.page.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: board.total,
      viewerEntry: board.viewer && toEntry(ctx, board.viewer, board.viewer.rank),
    };
  }
}

/** A place in a leaderboard as the viewer sees it: hidden users anonymous to everyone else. */
function toEntry(
  ctx: RequestContext,
  row: { userId: string; points: number; reachedAt: Date; hidden: boolean },
  rank: number,
): LeaderboardEntryView {
  return {
    rank,
    points: row.points,
    userId: row.userId,
    anonymous: !showsOnLeaderboard(ctx.viewer, row.userId, row.hidden),
    isViewer: row.userId === ctx.viewer?.userId,
    reachedAt: row.reachedAt,
  };
}

const toEdge = (node: LeaderboardEntryView) => ({
  cursor: cursor.encode({ p: node.points, r: node.reachedAt, u: node.userId }),
  node,
});
