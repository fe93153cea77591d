import type { Challenge } from './data/challenges';
import type { Period } from './domain/calendar';

/** Shapes resolvers pass around besides the Prisma rows (codegen.ts maps the GraphQL types to these). */

/** `LeaderboardEntry`: a place in a leaderboard. `user` is null when `anonymous` and not the viewer. */
export interface LeaderboardEntryView {
  rank: number;
  points: number;
  userId: string;
  anonymous: boolean;
  isViewer: boolean;
  reachedAt: Date;
}

/** `Leaderboard`: one page of a period's window, or of a challenge's participants. */
export interface LeaderboardView {
  period: Period | null;
  challenge: Challenge | null;
  startsAt: Date | null;
  endsAt: Date | null;
  timeZone: string;
  edges: { cursor: string; node: LeaderboardEntryView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
  viewerEntry: LeaderboardEntryView | null;
}
