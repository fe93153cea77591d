import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Badge } from './Badge';
import { BadgeAward } from './BadgeAward';
import { Challenge } from './Challenge';
import { LeaderboardEntry } from './LeaderboardEntry';
import { Mutation } from './Mutation';
import { PointsChange } from './PointsChange';
import { PointsEntry } from './PointsEntry';
import { PointsSource } from './PointsSource';
import { Query } from './Query';
import { Receipt, ReceiptMutations, ReceiptQueries, ReceiptSubscriptions } from './Receipt';
import { Redemption } from './Redemption';
import { Subscription } from './Subscription';
import { User } from './User';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { ...Query, ...ReceiptQueries },
  Mutation: { ...Mutation, ...ReceiptMutations },
  Subscription: { ...Subscription, ...ReceiptSubscriptions },
  User,
  PointsEntry,
  PointsSource,
  Badge,
  BadgeAward,
  Redemption,
  LeaderboardEntry,
  PointsChange,
  Challenge,
  Receipt,
};
