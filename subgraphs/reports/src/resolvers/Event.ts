import type { EventResolvers } from '../__generated__/resolvers-types';

export const Event: EventResolvers = {
  // Events are owned by the tickets subgraph; here an event is its id (no lookup to batch).
  __resolveReference: (reference) => ({ id: reference.id }),
  attendance: (event, _args, ctx) => ctx.reports.attendance(ctx, event.id),
  salesSummary: (event, _args, ctx) => ctx.reports.eventSales(ctx, event.id),
};
