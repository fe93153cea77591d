import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  salesReport: (_parent, { filter }, ctx) => ctx.reports.salesReport(ctx, filter),
  dashboard: (_parent, { scope }, ctx) => ctx.reports.dashboard(ctx, scope),
};
