import { entityRef } from '../../../../shared/entities';
import type { DeliveryResolvers } from '../__generated__/resolvers-types';

export const Delivery: DeliveryResolvers = {
  seller: (d) => entityRef(d.sellerId),
  // Address fields are columns of the delivery row.
  address: (d) => d,
};
