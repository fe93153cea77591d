import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createCategory: (_parent, args, ctx) => ctx.catalog.createCategory(ctx, args),
  createWarehouse: (_parent, args, ctx) => ctx.catalog.createWarehouse(ctx, args),
  createProduct: (_parent, { input }, ctx) => ctx.catalog.createProduct(ctx, input),
  updateProduct: (_parent, { id, input }, ctx) => ctx.catalog.updateProduct(ctx, id, input),
  adjustStock: (_parent, { input }, ctx) => ctx.catalog.adjustStock(ctx, input),
  addToCart: (_parent, { input }, ctx) => ctx.carts.add(ctx, input),
  updateCartLine: (_parent, { id, quantity }, ctx) => ctx.carts.update(ctx, id, quantity),
  removeCartLine: (_parent, { id }, ctx) => ctx.carts.remove(ctx, id),
  clearCart: (_parent, _args, ctx) => ctx.carts.clear(ctx),
  checkout: (_parent, { input }, ctx) => ctx.checkout.checkout(ctx, input),
  cancelOrder: (_parent, { id }, ctx) => ctx.orders.cancel(ctx, id),
  refundOrder: (_parent, { id, lines, reason }, ctx) => ctx.orders.refund(ctx, id, lines, reason),
  updateDelivery: (_parent, { input }, ctx) => ctx.orders.updateDelivery(ctx, input),
  simulatePayment: (_parent, { orderId, outcome }, ctx) => ctx.orders.simulatePayment(ctx, orderId, outcome),
};
