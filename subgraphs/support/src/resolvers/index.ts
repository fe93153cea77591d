import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Event } from './Event';
import { FAQ } from './FAQ';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Query } from './Query';
import { Subscription } from './Subscription';
import { SupportAgent } from './SupportAgent';
import { SupportMessage } from './SupportMessage';
import { SupportMessageAuthor } from './SupportMessageAuthor';
import { SupportQueueEvent } from './SupportQueueEvent';
import { SupportTicket } from './SupportTicket';
import { User } from './User';

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
