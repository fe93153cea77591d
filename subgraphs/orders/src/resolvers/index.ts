import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Category, Product, StockLevel, StockMovement } from './catalog';
import { Mutation } from './Mutation';
import { Cart, CartLine, Delivery, Order, OrderLine, Refund } from './orders';
import { Query } from './Query';
import { TicketType } from './TicketType';
import { User } from './User';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  User,
  TicketType,
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
