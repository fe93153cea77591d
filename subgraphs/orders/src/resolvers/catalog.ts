import type {
  CategoryResolvers,
  ProductResolvers,
  StockLevelResolvers,
  StockMovementResolvers,
} from '../__generated__/resolvers-types';

export const Category: CategoryResolvers = {
  parent: (c, _args, ctx) => (c.parentId ? ctx.loaders.categoryById.load(c.parentId) : null),
  children: (c, _args, ctx) => ctx.loaders.childCategories.load(c.id),
};

export const Product: ProductResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.productById.load(reference.id),
  seller: (p) => ({ id: p.sellerId }),
  category: (p, _args, ctx) => (p.categoryId ? ctx.loaders.categoryById.load(p.categoryId) : null),
  available: async (p, _args, ctx) =>
    (await ctx.loaders.stockByProduct.load(p.id)).reduce((sum, s) => sum + Math.max(0, s.onHand - s.held), 0),
  stock: (p, _args, ctx) => ctx.loaders.stockByProduct.load(p.id),
  stockMovements: (p, args, ctx) => ctx.catalog.movements(p, args),
};

export const StockLevel: StockLevelResolvers = {
  warehouse: async (s, _args, ctx) => (await ctx.loaders.warehouseById.load(s.warehouseId))!,
  available: (s) => Math.max(0, s.onHand - s.held),
};

export const StockMovement: StockMovementResolvers = {
  warehouse: async (m, _args, ctx) => (await ctx.loaders.warehouseById.load(m.warehouseId))!,
  actor: (m) => (m.actorId ? { id: m.actorId } : null),
};
