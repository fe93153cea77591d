import { entityRef } from '../../../../shared/entities';
import type { EventResolvers } from '../__generated__/resolvers-types';

export const Event: EventResolvers = {
  // The reference rule (permissions.ts) hides drafts from whoever may not see them.
  __resolveReference: (reference, ctx) => ctx.loaders.eventById.load(reference.id),
  // Venue fields are columns of the event row.
  venue: (event) => event,
  organizer: (event) => entityRef(event.organizerId),
  ticketTypes: (event, _args, ctx) => ctx.loaders.ticketTypesByEventId.load(event.id),
};
