import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  salesReport: (_parent, { filter }, ctx) => ctx.reports.salesReport(ctx, filter),
  dashboard: (_parent, { scope }, ctx) => ctx.reports.dashboard(ctx, scope),
  topProducts: (_parent, args, ctx) => ctx.reports.topItems(ctx, 'PRODUCT', args),
  topEvents: (_parent, args, ctx) => ctx.reports.topItems(ctx, 'EVENT', args),
  topSellers: (_parent, args, ctx) => ctx.reports.topSellers(ctx, args),
  lowStock: (_parent, args, ctx) => ctx.reports.lowStock(ctx, args),
  supportReport: (_parent, { filter }, ctx) => ctx.activity.supportReport(ctx, filter),
  engagementReport: (_parent, { filter }, ctx) => ctx.activity.engagementReport(ctx, filter),
  categorySales: (_parent, { filter }, ctx) => ctx.reports.categorySales(ctx, filter),
  customerSegments: (_parent, { asOf }, ctx) => ctx.reports.customerSegments(ctx, asOf),
};
