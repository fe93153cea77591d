import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Event } from './Event';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Query } from './Query';
import { CheckInEvent, Subscription } from './Subscription';
import { Ticket } from './Ticket';
import { TicketType } from './TicketType';
import { User } from './User';
import { Venue } from './Venue';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  CheckInEvent,
  Event,
  Venue,
  TicketType,
  Ticket,
  User,
  Order,
};
