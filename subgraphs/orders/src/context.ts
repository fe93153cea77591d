import type { RequestContext } from '../../../shared/subgraph';
import type { CartService } from './domain/cart-service';
import type { CatalogService } from './domain/catalog-service';
import type { CheckoutService } from './domain/checkout-service';
import type { OrderService } from './domain/order-service';
import type { Loaders } from './loaders';

/** The context of one request to the orders subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  catalog: CatalogService;
  carts: CartService;
  checkout: CheckoutService;
  orders: OrderService;
  /** Whether `simulatePayment` may run (mock provider, not production). */
  simulationEnabled: boolean;
}
