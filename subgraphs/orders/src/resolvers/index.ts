import { DateTimeScalar } from '../../../../shared/scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Cart } from './Cart';
import { CartLine } from './CartLine';
import { Category } from './Category';
import { Delivery } from './Delivery';
import { EventAvailability } from './EventAvailability';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { OrderLine } from './OrderLine';
import { Product } from './Product';
import { Query } from './Query';
import { Refund } from './Refund';
import { StockLevel } from './StockLevel';
import { StockMovement } from './StockMovement';
import { Subscription } from './Subscription';
import { TicketType } from './TicketType';
import { TicketTypeAvailability } from './TicketTypeAvailability';
import { User } from './User';

/** One file per GraphQL type with resolvers; types without any resolve from their row's columns. */
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
