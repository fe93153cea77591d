import { entityRef } from '../../../../shared/entities';
import type { LowStockItemResolvers } from '../__generated__/resolvers-types';

export const LowStockItem: LowStockItemResolvers = {
  product: (row) => (row.kind === 'PRODUCT' ? entityRef(row.id) : null),
  ticketType: (row) => (row.kind === 'TICKET_TYPE' ? entityRef(row.id) : null),
  event: (row) => (row.eventId ? entityRef(row.eventId) : null),
  seller: (row) => entityRef(row.sellerId),
};
