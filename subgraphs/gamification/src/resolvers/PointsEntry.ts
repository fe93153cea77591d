import type { PointsEntryResolvers } from '../__generated__/resolvers-types';

/** The entity types a ledger entry's source may be (other sources, e.g. a user's registration, read as null). */
const ENTITY_SOURCES = new Set(['Order', 'Ticket', 'SupportTicket']);

export const PointsEntry: PointsEntryResolvers = {
  rule: (entry, _args, ctx) => ctx.standing.ruleOf(ctx, entry),
  source: async (entry, _args, ctx) => {
    if (!entry.sourceType || !entry.sourceId) return null;
    if (entry.sourceType === 'Redemption') return ctx.loaders.redemptionById.load(entry.sourceId);
    if (!ENTITY_SOURCES.has(entry.sourceType)) return null;
    return { __typename: entry.sourceType, id: entry.sourceId };
  },
};
