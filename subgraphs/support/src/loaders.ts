import DataLoader from 'dataloader';
import type { SlaPolicy, SupportPriority } from '../../../prisma/generated/prisma/client';
import type { Db } from '../../../shared/db';
import { findFaqsByIds, type Faq } from './data/faqs';
import { findCategoriesByIds, listSlaPolicies, type SupportCategory } from './data/reference';
import { findTicketsByIds, type SupportTicket } from './data/tickets';
import { isUuid } from './domain/validation';

/** Per-request loaders: one SQL query per batch, results in key order (`null` when missing). */
export function createLoaders(db: Db) {
  const byIds = <T extends { id: string }>(find: (db: Db, ids: string[]) => Promise<T[]>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
      const rows = valid.length ? await find(db, valid) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    });
  return {
    ticketById: byIds<SupportTicket>(findTicketsByIds),
    categoryById: byIds<SupportCategory>(findCategoriesByIds),
    faqById: byIds<Faq>(findFaqsByIds),
    /** The SLA policies of every priority (one small table, read once per request). */
    slaPolicy: new DataLoader<SupportPriority, SlaPolicy | null>(async (priorities) => {
      const byPriority = new Map((await listSlaPolicies(db)).map((p) => [p.priority, p]));
      return priorities.map((p) => byPriority.get(p) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
