import { entityRef } from '../../../../shared/entities';
import type { TopEventResolvers } from '../__generated__/resolvers-types';

export const TopEvent: TopEventResolvers = {
  event: (row) => entityRef(row.id),
};
