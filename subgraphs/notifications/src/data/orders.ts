/**
 * Data access for notifications' copies of orders' and tickets' facts: `paid_orders` (from
 * `OrderPaid`, for the confirmation mailed once the tickets are issued) and `ticket_holders`
 * (from `TicketsIssued`, to tell every holder when an event is cancelled). Both only insert
 * what is missing: a fact never changes once true.
 */
import type { PaidOrder, Prisma, TicketHolder } from '../../../../prisma/generated/prisma/client';
import type { Tx } from '../../../../shared/db';

export type { PaidOrder, TicketHolder };

export async function recordPaidOrder(tx: Tx, order: Prisma.PaidOrderCreateInput): Promise<void> {
  await tx.paidOrder.createMany({ data: [order], skipDuplicates: true });
}

export function findPaidOrder(tx: Tx, orderId: string): Promise<PaidOrder | null> {
  return tx.paidOrder.findUnique({ where: { orderId } });
}

export async function recordHolders(tx: Tx, holders: TicketHolder[]): Promise<void> {
  await tx.ticketHolder.createMany({ data: holders, skipDuplicates: true });
}

/** Who holds tickets of the event (each holder once). */
export async function holdersOfEvent(tx: Tx, eventId: string): Promise<string[]> {
  const rows = await tx.ticketHolder.findMany({
    where: { eventId },
    distinct: ['holderId'],
    select: { holderId: true },
  });
  return rows.map((r) => r.holderId);
}
