/** Data access for `tickets.ticket_types`. */
import type { Prisma, TicketType } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { TicketType };

export function findTicketTypesByIds(db: Db | Tx, ids: readonly string[]): Promise<TicketType[]> {
  return db.ticketType.findMany({ where: { id: { in: [...ids] } } });
}

export function findTicketTypeById(db: Db | Tx, id: string): Promise<TicketType | null> {
  return db.ticketType.findUnique({ where: { id } });
}

/** The ticket types of these events, each event's oldest first. */
export function findTicketTypesByEventIds(db: Db | Tx, eventIds: readonly string[]): Promise<TicketType[]> {
  return db.ticketType.findMany({
    where: { eventId: { in: [...eventIds] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export function createTicketType(db: Db | Tx, data: Prisma.TicketTypeUncheckedCreateInput): Promise<TicketType> {
  return db.ticketType.create({ data });
}

export function updateTicketType(
  db: Db | Tx,
  id: string,
  data: Prisma.TicketTypeUncheckedUpdateInput,
): Promise<TicketType> {
  return db.ticketType.update({ where: { id }, data });
}
