import { entityRef } from '../../../../shared/entities';
import type { SupportQueueItemResolvers } from '../__generated__/resolvers-types';

export const SupportQueueItem: SupportQueueItemResolvers = {
  supportTicket: (t) => entityRef(t.ticketId),
};
