import type { CategoryResolvers } from '../__generated__/resolvers-types';

export const Category: CategoryResolvers = {
  parent: (c, _args, ctx) => (c.parentId ? ctx.loaders.categoryById.load(c.parentId) : null),
  children: (c, _args, ctx) => ctx.loaders.childCategories.load(c.id),
};
