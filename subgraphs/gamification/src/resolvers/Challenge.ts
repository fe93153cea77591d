import type { ChallengeResolvers } from '../__generated__/resolvers-types';

export const Challenge: ChallengeResolvers = {
  rewardBadge: (challenge, _args, ctx) =>
    challenge.rewardBadgeId ? ctx.loaders.badgeById.load(challenge.rewardBadgeId) : null,
  status: (challenge, _args, ctx) => ctx.challenges.status(challenge),
  participantCount: (challenge, _args, ctx) => ctx.challenges.participantCount(challenge),
  viewerProgress: (challenge, _args, ctx) => ctx.challenges.progress(ctx, challenge),
};
