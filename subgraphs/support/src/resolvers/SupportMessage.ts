import type { SupportMessageResolvers } from '../__generated__/resolvers-types';
import { renderBody } from '../domain/markdown';

export const SupportMessage: SupportMessageResolvers = {
  // Author fields are columns of the message row.
  author: (m) => m,
  html: (m) => renderBody(m.body, m.format),
};
