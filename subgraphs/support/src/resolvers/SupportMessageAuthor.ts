import { entityRef } from '../../../../shared/entities';
import type { SupportMessageAuthorResolvers } from '../__generated__/resolvers-types';

/** The author columns of a message row. */
export const SupportMessageAuthor: SupportMessageAuthorResolvers = {
  kind: (m) => m.authorKind,
  user: (m) => (m.authorId ? entityRef(m.authorId) : null),
  name: (m) => m.authorName,
};
