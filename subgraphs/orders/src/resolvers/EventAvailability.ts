import { entityRef } from '../../../../shared/entities';
import type { EventAvailabilityResolvers } from '../__generated__/resolvers-types';

export const EventAvailability: EventAvailabilityResolvers = {
  event: (availability) => entityRef(availability.eventId),
};
