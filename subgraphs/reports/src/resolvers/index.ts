import { DateTimeScalar, LongScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { CheckInSummary } from './CheckInSummary';
import { Event } from './Event';
import { LowStockItem } from './LowStockItem';
import { Query } from './Query';
import { Subscription } from './Subscription';
import { SupportQueueItem } from './SupportQueueItem';
import { TopEvent } from './TopEvent';
import { TopProduct } from './TopProduct';
import { TopSeller } from './TopSeller';
import { User } from './User';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Long: LongScalar,
  Query,
  Subscription,
  Event,
  User,
  CheckInSummary,
  SupportQueueItem,
  TopProduct,
  TopEvent,
  TopSeller,
  LowStockItem,
};
