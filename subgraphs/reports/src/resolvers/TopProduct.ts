import { entityRef } from '../../../../shared/entities';
import type { TopProductResolvers } from '../__generated__/resolvers-types';

export const TopProduct: TopProductResolvers = {
  product: (row) => entityRef(row.id),
};
