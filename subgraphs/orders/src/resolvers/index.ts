import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Category, Product, StockLevel, StockMovement } from './catalog';
import { Mutation } from './Mutation';
import { Cart, CartLine, Delivery, Order, OrderLine, Refund } from './orders';
import { Query } from './Query';
import { EventAvailability, Subscription, TicketTypeAvailability } from './Subscription';
import { TicketType } from './TicketType';
import { User } from './User';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  User,
  TicketType,
  EventAvailability,
  TicketTypeAvailability,
  Category,
  Product,
  StockLevel,
  StockMovement,
  Cart,
  CartLine,
  Order,
  OrderLine,
  Delivery,
  Refund,
};
