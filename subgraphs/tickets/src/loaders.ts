import DataLoader from 'dataloader';
import type { Db } from '../../../shared/db';
import { findEventsByIds, findScannerAssignments, type Event } from './data/events';
import { findTicketTypesByEventIds, findTicketTypesByIds, type TicketType } from './data/ticket-types';
import { findTicketsByIds, findTicketsByOrderIds, type Ticket } from './data/tickets';
import { isUuid } from './domain/validation';

/** One loader per lookup by id: one SQL query per batch, results in key order (`null` when missing). */
function byId<T extends { id: string }>(find: (ids: string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    const rows = valid.length ? await find(valid) : [];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
}

/** One loader per one-to-many lookup: every key gets its (possibly empty) list. */
function groupedBy<T>(find: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (keys) => {
    const valid = keys.filter(isUuid).map((k) => k.toLowerCase());
    const rows = valid.length ? await find(valid) : [];
    const groups = new Map<string, T[]>();
    for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
    return keys.map((k) => groups.get(k.toLowerCase()) ?? []);
  });
}

/** Per-request loaders. */
export function createLoaders(db: Db) {
  return {
    eventById: byId<Event>((ids) => findEventsByIds(db, ids)),
    ticketTypeById: byId<TicketType>((ids) => findTicketTypesByIds(db, ids)),
    ticketById: byId<Ticket>((ids) => findTicketsByIds(db, ids)),
    ticketTypesByEventId: groupedBy<TicketType>(
      (ids) => findTicketTypesByEventIds(db, ids),
      (t) => t.eventId,
    ),
    ticketsByOrderId: groupedBy<Ticket>(
      (ids) => findTicketsByOrderIds(db, ids),
      (t) => t.orderId,
    ),
    /** Whether the user is door staff of the event. */
    isScannerOf: new DataLoader<{ eventId: string; userId: string }, boolean, string>(
      async (pairs) => {
        const found = await findScannerAssignments(db, pairs);
        const set = new Set(found.map((p) => `${p.eventId}:${p.userId}`));
        return pairs.map((p) => set.has(`${p.eventId}:${p.userId}`));
      },
      { cacheKeyFn: (p) => `${p.eventId}:${p.userId}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
