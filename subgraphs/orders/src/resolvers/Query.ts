import type { QueryResolvers } from '../__generated__/resolvers-types';
import { canSeeOrder, canSeeProduct } from '../domain/access';
import { uuid } from '../domain/validation';

export const Query: QueryResolvers = {
  products: (_parent, args, ctx) => ctx.catalog.listProducts(ctx, args),
  // Null when missing or archived and not the viewer's.
  product: async (_parent, args, ctx) => {
    const product = await ctx.loaders.productById.load(uuid('id', args.id));
    return product && canSeeProduct(ctx.viewer, product) ? product : null;
  },
  categories: (_parent, _args, ctx) => ctx.catalog.rootCategories(),
  warehouses: (_parent, _args, ctx) => ctx.catalog.warehouses(),
  // Null when missing or not the viewer's to see: an order's existence is not disclosed.
  order: async (_parent, args, ctx) => {
    const order = await ctx.loaders.orderById.load(uuid('id', args.id));
    return order && canSeeOrder(ctx.viewer, order, await ctx.loaders.linesByOrder.load(order.id)) ? order : null;
  },
  myOrders: (_parent, args, ctx) => ctx.orders.list(ctx, { buyerId: ctx.viewer!.userId }, args),
  sellerOrders: (_parent, args, ctx) => ctx.orders.list(ctx, { sellerId: ctx.viewer!.userId }, args),
};
