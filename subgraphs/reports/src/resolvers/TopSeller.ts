import { entityRef } from '../../../../shared/entities';
import type { TopSellerResolvers } from '../__generated__/resolvers-types';

export const TopSeller: TopSellerResolvers = {
  seller: (row) => entityRef(row.id),
};
