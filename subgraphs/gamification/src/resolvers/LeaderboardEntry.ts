import type { LeaderboardEntryResolvers } from '../__generated__/resolvers-types';

export const LeaderboardEntry: LeaderboardEntryResolvers = {
  // Anonymous entries never name the user (the service decided who is anonymous to whom).
  user: (entry) => (entry.anonymous ? null : { id: entry.userId }),
};
