import { entityRef } from '../../../../shared/entities';
import type { OrderResolvers } from '../__generated__/resolvers-types';
import { visibleDeliveries, visibleLines } from '../domain/access';

/** Whoever reached an order may read it (see permissions.ts); a seller sees only their part. */
export const Order: OrderResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.orderById.load(reference.id),
  buyer: (o) => entityRef(o.buyerId),
  lines: async (o, _args, ctx) => visibleLines(ctx.viewer, o, await ctx.loaders.linesByOrder.load(o.id)),
  payment: async (o, _args, ctx) => (await ctx.loaders.paymentByOrder.load(o.id))[0] ?? null,
  deliveries: async (o, _args, ctx) => visibleDeliveries(ctx.viewer, o, await ctx.loaders.deliveriesByOrder.load(o.id)),
  refunds: (o, _args, ctx) => ctx.loaders.refundsByOrder.load(o.id),
};
