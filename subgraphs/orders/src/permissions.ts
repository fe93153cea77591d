import { and, or, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, hasRole, isAdmin, isAuthenticated } from '../../../shared/auth/rules';
import { isSelf as viewerIsSelf } from '../../../shared/auth/viewer';
import { forbidden } from '../../../shared/errors';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import { canSeeClientSecret, canSeeOrder, canSeeProduct, cannotFollowOrder, managesProduct } from './domain/access';

/** The user whose field is read is the viewer. */
const isSelf = rule({ cache: 'strict' })((user: { id: string }, _args, ctx: Context) =>
  viewerIsSelf(ctx.viewer, user.id),
);
/** The product's seller (or ADMIN). */
const managesParentProduct = rule({ cache: 'strict' })((product: { sellerId: string }, _args, ctx: Context) =>
  managesProduct(ctx.viewer, product),
);
/** The buyer of the payment's order. */
const isPaymentBuyer = rule({ cache: 'strict' })(async (payment: { orderId: string }, _args, ctx: Context) =>
  canSeeClientSecret(ctx.viewer, await ctx.loaders.orderById.load(payment.orderId)),
);
/** simulatePayment exists in the schema always, but runs only with the mock provider outside production. */
const simulationEnabled = rule({ cache: 'contextual' })((_parent, _args, ctx: Context) =>
  ctx.simulationEnabled ? true : forbidden('simulatePayment needs PAYMENT_PROVIDER=mock outside production'),
);
const isSeller = hasRole('ORGANIZER', 'ADMIN');
/** `orderUpdated`: the order's buyer, the sellers of its lines, ADMIN. */
const followsOrder = rule({ cache: 'strict' })(async (_parent, args: { id: string }, ctx: Context) => {
  const order = await ctx.loaders.orderById.load(args.id);
  const visible = !!order && canSeeOrder(ctx.viewer, order, await ctx.loaders.linesByOrder.load(order.id));
  return visible || cannotFollowOrder();
});

/**
 * Deny by default (the fallback rule); every readable field is listed. The catalog is public.
 * Orders are guarded where they are reached (`order`, `myOrders`, `sellerOrders`, the Order
 * reference rule, `User.orders`), so their fields are readable by whoever reached them; a
 * seller who is not the buyer sees only their own lines (OrderLine resolver).
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    products: allow,
    product: allow,
    categories: allow,
    warehouses: isSeller,
    order: isAuthenticated,
    myOrders: isAuthenticated,
    sellerOrders: isSeller,
  },
  Mutation: {
    createCategory: isAdmin,
    createWarehouse: isSeller,
    createProduct: hasRole('ORGANIZER'),
    updateProduct: isSeller,
    adjustStock: isSeller,
    addToCart: isAuthenticated,
    updateCartLine: isAuthenticated,
    removeCartLine: isAuthenticated,
    clearCart: isAuthenticated,
    checkout: isAuthenticated,
    cancelOrder: isAuthenticated,
    refundOrder: isSeller,
    updateDelivery: isSeller,
    simulatePayment: and(isAuthenticated, simulationEnabled),
  },
  Subscription: {
    orderUpdated: and(isAuthenticated, followsOrder),
    eventAvailabilityChanged: allow,
  },
  User: {
    id: allow,
    cart: isSelf,
    orders: or(isSelf, isAdmin),
  },
  TicketType: allow,
  Category: allow,
  Product: {
    '*': allow,
    stock: managesParentProduct,
    stockMovements: managesParentProduct,
  },
  Payment: {
    '*': allow,
    clientSecret: isPaymentBuyer,
  },
  Warehouse: allow,
  StockLevel: allow,
  StockMovement: allow,
  StockMovementConnection: allow,
  StockMovementEdge: allow,
  ProductConnection: allow,
  ProductEdge: allow,
  Cart: allow,
  CartLine: allow,
  Order: allow,
  OrderLine: allow,
  Delivery: allow,
  Address: allow,
  Refund: allow,
  RefundLine: allow,
  OrderConnection: allow,
  OrderEdge: allow,
  CheckoutPayload: allow,
  EventAvailability: allow,
  TicketTypeAvailability: allow,
  Event: allow,
  PageInfo: allow,
  _Service: allow,
};

/**
 * `_entities` called directly: users and ticket types are public references (their field rules
 * decide the rest); a product as `Query.product` shows it (an ARCHIVED one only for its seller
 * and ADMIN); an order only for its buyer, the sellers of its lines, ADMIN.
 */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  User: () => true,
  TicketType: () => true,
  Product: async (reference, ctx) => {
    const product = await ctx.loaders.productById.load(String(reference.id));
    return !product || canSeeProduct(ctx.viewer, product);
  },
  Order: async (reference, ctx) => {
    const order = await ctx.loaders.orderById.load(String(reference.id));
    return !!order && canSeeOrder(ctx.viewer, order, await ctx.loaders.linesByOrder.load(order.id));
  },
};
