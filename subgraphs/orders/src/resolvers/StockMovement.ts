import { entityRef } from '../../../../shared/entities';
import type { StockMovementResolvers } from '../__generated__/resolvers-types';

export const StockMovement: StockMovementResolvers = {
  // Warehouses are never deleted while the journal names them.
  warehouse: async (m, _args, ctx) => (await ctx.loaders.warehouseById.load(m.warehouseId))!,
  actor: (m) => (m.actorId ? entityRef(m.actorId) : null),
};
