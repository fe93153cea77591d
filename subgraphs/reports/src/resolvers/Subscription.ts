import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { DashboardScope } from '../__generated__/resolvers-types';
import { channels, type DashboardNotice } from '../realtime';

/**
 * `dashboardUpdated` checks the scope at subscribe time (FORBIDDEN ends it before any event)
 * and again for every update, when it re-reads the figures as `dashboard` would: a viewer
 * who lost the role is refused then.
 */
export const Subscription: SubscriptionResolvers = {
  dashboardUpdated: {
    subscribe: async (_parent, { scope }, ctx) => {
      const allowed = await ctx.reports.scopeFor(ctx, scope, 'scope');
      return ctx.pubsub.subscribe<DashboardNotice>(channels.dashboard(allowed));
    },
    resolve: (_notice: DashboardNotice, args: { scope?: DashboardScope | null }, ctx: Context) =>
      ctx.reports.dashboard(ctx, args.scope),
  },
};
