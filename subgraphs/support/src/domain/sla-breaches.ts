import type { Db } from '../../../../shared/db';
import { findOverdueUnbreached } from '../data/tickets';
import { pausesOf, type SlaService } from './sla-service';
import type { TicketWriter } from './ticket-writer';

/** Tickets one pass of the sweeper looks at. */
const BATCH = 50;

/**
 * Marks breached the tickets whose SLA fell due while nobody touched them (a change of a
 * ticket recomputes its SLA anyway), each in its own `TicketWriter` change: the row is locked
 * and its SLA recomputed from the policy in force, so a ticket answered or paused meanwhile is
 * left alone, and the writer emits `SupportSlaBreached` once, however many sweepers run.
 * Returns how many tickets it found breached.
 */
export async function recordDueBreaches(deps: {
  db: Db;
  writer: TicketWriter;
  sla: SlaService;
  now: () => Date;
}): Promise<number> {
  const now = deps.now();
  let breached = 0;
  for (const id of await findOverdueUnbreached(deps.db, now, BATCH)) {
    const found = await deps.writer.change(async ({ tx, lock, save }) => {
      const ticket = await lock(id);
      if (ticket.slaBreached) return false;
      // Saved either way: a due time that was stale (its policy changed) is corrected, so the
      // ticket leaves the sweeper's list unless it really is breached.
      const sla = await deps.sla.columns(tx, ticket, pausesOf(ticket), now);
      await save(ticket, sla);
      return sla.slaBreached;
    });
    if (found) breached++;
  }
  return breached;
}
