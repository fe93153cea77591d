import type { FaqResolvers } from '../__generated__/resolvers-types';
import { renderBody } from '../domain/markdown';

export const FAQ: FaqResolvers = {
  answerHtml: (f) => renderBody(f.answer, 'MARKDOWN'),
  category: (f, _args, ctx) => (f.categoryId ? ctx.loaders.categoryById.load(f.categoryId) : null),
};
