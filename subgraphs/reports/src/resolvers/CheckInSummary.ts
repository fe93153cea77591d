import { entityRef } from '../../../../shared/entities';
import type { CheckInSummaryResolvers } from '../__generated__/resolvers-types';

export const CheckInSummary: CheckInSummaryResolvers = {
  ticket: (c) => entityRef(c.ticketId),
  event: (c) => entityRef(c.eventId),
};
