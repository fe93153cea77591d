import type { VenueResolvers } from '../__generated__/resolvers-types';

/** The venue is stored as columns of the event row. */
export const Venue: VenueResolvers = {
  name: (event) => event.venueName,
  address: (event) => event.venueAddress,
  city: (event) => event.venueCity,
  country: (event) => event.venueCountry,
};
