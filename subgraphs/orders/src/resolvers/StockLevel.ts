import type { StockLevelResolvers } from '../__generated__/resolvers-types';
import { unitsLeft } from '../domain/availability';

export const StockLevel: StockLevelResolvers = {
  // A stock row references its warehouse (foreign key): it exists.
  warehouse: async (s, _args, ctx) => (await ctx.loaders.warehouseById.load(s.warehouseId))!,
  available: unitsLeft,
};
