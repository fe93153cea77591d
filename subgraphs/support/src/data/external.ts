import type { Db } from '../../../../shared/db';

/**
 * Read-only lookups in other domains' tables: the ownership checks below query the orders and
 * tickets schemas by raw SQL (no Prisma models are shared). They remain an exception to the
 * design's rule (a subgraph learns about other domains through entity references and domain
 * events), to revisit: replace them with event-fed copies as the user directory was
 * (./user-directory.ts). A table that does not exist (its domain not deployed yet) answers
 * "no": links are refused rather than trusted.
 */

/** Who owns what in other domains: a customer may link only their own order or admission ticket. */
export interface OwnershipChecker {
  ownsOrder(userId: string, orderId: string): Promise<boolean>;
  holdsTicket(userId: string, ticketId: string): Promise<boolean>;
  eventExists(eventId: string): Promise<boolean>;
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regclass(${table}) IS NOT NULL AS present`;
  return rows[0]?.present ?? false;
}

export function postgresOwnershipChecker(db: Db): OwnershipChecker {
  return {
    async ownsOrder(userId, orderId) {
      if (!(await tableExists(db, 'orders.orders'))) return false;
      const rows = await db.$queryRaw<unknown[]>`
        SELECT 1 FROM orders.orders WHERE id = ${orderId}::uuid AND buyer_id = ${userId}::uuid`;
      return rows.length > 0;
    },
    async holdsTicket(userId, ticketId) {
      if (!(await tableExists(db, 'tickets.tickets'))) return false;
      const rows = await db.$queryRaw<unknown[]>`
        SELECT 1 FROM tickets.tickets WHERE id = ${ticketId}::uuid AND holder_id = ${userId}::uuid`;
      return rows.length > 0;
    },
    async eventExists(eventId) {
      if (!(await tableExists(db, 'tickets.events'))) return false;
      const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM tickets.events WHERE id = ${eventId}::uuid`;
      return rows.length > 0;
    },
  };
}
