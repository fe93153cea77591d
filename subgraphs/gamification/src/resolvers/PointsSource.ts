import { notFound } from '../../../../shared/errors';
import type { PointsSourceResolvers } from '../__generated__/resolvers-types';

/** Entity references carry their `__typename`; a redemption is a row of ours. */
export const PointsSource: PointsSourceResolvers = {
  __resolveType: (source) => {
    const typename = (source as { __typename?: string }).__typename;
    if (typename === 'Order' || typename === 'Ticket' || typename === 'SupportTicket') return typename;
    if ('code' in source) return 'Redemption';
    throw notFound('Points source');
  },
};
