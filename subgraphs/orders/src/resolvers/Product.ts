import { entityRef } from '../../../../shared/entities';
import type { ProductResolvers } from '../__generated__/resolvers-types';
import { unitsLeft } from '../domain/availability';

export const Product: ProductResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.productById.load(reference.id),
  seller: (p) => entityRef(p.sellerId),
  category: (p, _args, ctx) => (p.categoryId ? ctx.loaders.categoryById.load(p.categoryId) : null),
  available: async (p, _args, ctx) =>
    (await ctx.loaders.stockByProduct.load(p.id)).reduce((sum, s) => sum + unitsLeft(s), 0),
  stock: (p, _args, ctx) => ctx.loaders.stockByProduct.load(p.id),
  stockMovements: (p, args, ctx) => ctx.catalog.movements(p, args),
};
