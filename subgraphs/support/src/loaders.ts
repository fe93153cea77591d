import DataLoader from 'dataloader';
import type { Db } from '../../../shared/db';
import { byId } from '../../../shared/loaders';
import { findCategoriesByIds, listSlaPolicies, type SlaPolicy, type SupportPriority } from './data/reference';
import { findTicketsByIds } from './data/tickets';

/** Per-request loaders: one SQL query per batch, results in key order (`null` when missing). */
export function createLoaders(db: Db) {
  return {
    ticketById: byId((ids) => findTicketsByIds(db, ids)),
    categoryById: byId((ids) => findCategoriesByIds(db, ids)),
    /** The SLA policies of every priority (one small table, read once per request). */
    slaPolicy: new DataLoader<SupportPriority, SlaPolicy | null>(async (priorities) => {
      const byPriority = new Map((await listSlaPolicies(db)).map((p) => [p.priority, p]));
      return priorities.map((p) => byPriority.get(p) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
