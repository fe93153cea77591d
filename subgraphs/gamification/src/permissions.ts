import { and, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, isAdmin, isAuthenticated } from '../../../shared/auth/rules';
import type { EntityRef } from '../../../shared/entities';
import { forbidden } from '../../../shared/errors';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import { canSeePrivate } from './domain/access';

/** The user whose field is read is the viewer, or the viewer is ADMIN. */
const isSelfOrAdmin = and(
  isAuthenticated,
  rule({ cache: 'strict' })(
    (user: EntityRef, _args, ctx: Context) =>
      canSeePrivate(ctx.viewer, user.id) || forbidden("Only the user and ADMIN may read a user's points"),
  ),
);

/**
 * Deny by default (the fallback rule). Balances, debts, histories and the leaderboard setting
 * are the user's and ADMIN's; standing (lifetime points, level, badges, rank) is public but
 * hidden with the user, which the standing service decides (domain/access.ts). Rules and all
 * writes but redeeming and hiding are ADMIN's.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    levels: allow,
    badges: allow,
    rewards: allow,
    myRedemptions: isAuthenticated,
    leaderboard: allow,
    earningRules: isAdmin,
    challenges: allow,
    challenge: allow,
    receipt: isAuthenticated, // the owner or ADMIN: the receipt service decides
    myReceipts: isAuthenticated,
    receiptsToReview: isAdmin,
  },
  Mutation: {
    redeemReward: isAuthenticated,
    setLeaderboardVisibility: isAuthenticated,
    joinChallenge: isAuthenticated,
    createChallenge: isAdmin,
    adjustPoints: isAdmin,
    createEarningRule: isAdmin,
    updateEarningRule: isAdmin,
    createLevel: isAdmin,
    updateLevel: isAdmin,
    deleteLevel: isAdmin,
    createBadge: isAdmin,
    updateBadge: isAdmin,
    createReward: isAdmin,
    updateReward: isAdmin,
    submitReceipt: isAuthenticated,
    reviewReceipt: isAdmin,
  },
  Subscription: {
    pointsChanged: isAuthenticated,
    leaderboardChanged: allow,
    receiptUpdated: isAuthenticated, // the owner or ADMIN, checked at subscribe and per event
  },
  User: {
    id: allow,
    points: isSelfOrAdmin,
    pointsDebt: isSelfOrAdmin,
    pointsHistory: isSelfOrAdmin,
    leaderboardHidden: isSelfOrAdmin,
    lifetimePoints: allow,
    level: allow,
    nextLevel: allow,
    badges: allow,
    rank: allow,
    receipts: isSelfOrAdmin,
  },
  Order: { id: allow },
  Ticket: { id: allow },
  SupportTicket: { id: allow },
  PointsEntry: allow, // reached only through the user's own history, a subscription of theirs, or ADMIN
  PointsEntryConnection: allow,
  PointsEntryEdge: allow,
  EarningRule: allow, // reached only through ADMIN fields (`PointsEntry.rule` is null for others)
  Level: allow,
  Badge: allow,
  BadgeRequirement: allow,
  BadgeAward: allow,
  Reward: allow,
  Redemption: allow, // reached only through the viewer's own redemptions
  RedemptionConnection: allow,
  RedemptionEdge: allow,
  Leaderboard: allow,
  LeaderboardEdge: allow,
  LeaderboardEntry: allow,
  PointsChange: allow,
  Challenge: allow,
  ChallengeProgress: allow,
  Receipt: allow, // reached only through the owner's or ADMIN's fields (the receipt service checks)
  ReceiptLine: allow,
  ReceiptConnection: allow,
  ReceiptEdge: allow,
  PageInfo: allow,
  _Service: allow,
};

/** `_entities`: a user resolves to their id; each field is guarded above. */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  User: () => true,
};
