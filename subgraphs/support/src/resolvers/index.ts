import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Event, FAQ, Order, SupportAgent, SupportMessage, SupportMessageAuthor, User } from './misc';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Subscription, SupportQueueEvent } from './Subscription';
import { SupportTicket } from './SupportTicket';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  SupportQueueEvent,
  SupportTicket,
  SupportMessage,
  SupportMessageAuthor,
  FAQ,
  SupportAgent,
  User,
  Order,
  Event,
};
