import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { Period } from '../domain/calendar';
import { channels, type LeaderboardNotice, type PointsNotice } from '../realtime';

/**
 * `pointsChanged` follows the viewer's own channel (shield: authenticated); `leaderboardChanged`
 * re-reads the leaderboard's top for every (coalesced) change, as the viewer would see it.
 */
export const Subscription: SubscriptionResolvers = {
  pointsChanged: {
    subscribe: (_parent, _args, ctx) => ctx.pubsub.subscribe<PointsNotice>(channels.points(ctx.viewer!.userId)),
    resolve: (notice: PointsNotice) => notice,
  },
  leaderboardChanged: {
    // An unknown challenge is refused at subscribe time (BAD_USER_INPUT on challengeId).
    subscribe: async (_parent, args, ctx) =>
      ctx.pubsub.subscribe<LeaderboardNotice>(
        args.challengeId != null
          ? channels.challengeLeaderboard((await ctx.leaderboards.challenge(args.challengeId)).id)
          : channels.leaderboard(args.period),
      ),
    resolve: (
      _notice: LeaderboardNotice,
      args: { period: Period; challengeId?: string | null; first?: number | null },
      ctx: Context,
    ) => ctx.leaderboards.page(ctx, { period: args.period, challengeId: args.challengeId, first: args.first ?? 10 }),
  },
};
