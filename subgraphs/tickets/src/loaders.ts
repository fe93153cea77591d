/** Per-request loaders of the tickets subgraph: one SQL query per batch of lookups. */
import DataLoader from 'dataloader';
import type { Db } from '../../../shared/db';
import { byId, groupedBy } from '../../../shared/loaders';
import type { RequestContext } from '../../../shared/subgraph';
import { findEventsByIds, findScannerAssignments } from './data/events';
import { findTicketTypesByEventIds, findTicketTypesByIds } from './data/ticket-types';
import { findTicketsByIds, findTicketsByOrderIds } from './data/tickets';

type ScannerPair = { eventId: string; userId: string };
const pairKey = (p: ScannerPair) => `${p.eventId}:${p.userId}`;

export function createLoaders(db: Db) {
  return {
    eventById: byId((ids) => findEventsByIds(db, ids)),
    ticketTypeById: byId((ids) => findTicketTypesByIds(db, ids)),
    ticketById: byId((ids) => findTicketsByIds(db, ids)),
    ticketTypesByEventId: groupedBy(
      (ids) => findTicketTypesByEventIds(db, ids),
      (t) => t.eventId,
    ),
    ticketsByOrderId: groupedBy(
      (ids) => findTicketsByOrderIds(db, ids),
      (t) => t.orderId,
    ),
    /** Whether the user is door staff of the event (keys are a viewer's id and a stored event's id). */
    isScannerOf: new DataLoader<ScannerPair, boolean, string>(
      async (pairs) => {
        const found = new Set((await findScannerAssignments(db, pairs)).map(pairKey));
        return pairs.map((p) => found.has(pairKey(p)));
      },
      { cacheKeyFn: pairKey },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What the domain reads of a request: the shared request context and this request's loaders.
 * Services and access rules take this (the subgraph's `Context` is one), never `Context` itself.
 */
export type TicketsRequest = RequestContext & { loaders: Loaders };
