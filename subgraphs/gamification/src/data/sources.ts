import type { Tx } from '../../../../shared/db';

export type { OrderSeen, RefundSeen } from '../../../../prisma/generated/prisma/client';
import type { OrderSeen, RefundSeen } from '../../../../prisma/generated/prisma/client';

/**
 * What gamification remembers of other domains' facts to reverse awards in any delivery
 * order: paid orders (their total), refunds (possibly seen before the payment), voided tickets
 * (possibly seen before their check-in). Inserts only: a repeated fact changes nothing.
 */
export async function recordOrder(tx: Tx, order: OrderSeen): Promise<void> {
  await tx.orderSeen.createMany({ data: [order], skipDuplicates: true });
}

/**
 * Who sold in a paid order (for challenges limited to one organizer's buyers), and the
 * organizer of each event its ticket lines are for (which check-ins such a challenge counts).
 */
export async function recordSellers(
  tx: Tx,
  orderId: string,
  lines: { sellerId: string; eventId: string | null; ticketTypeId: string | null }[],
): Promise<void> {
  const sellers = [...new Set(lines.map((l) => l.sellerId))];
  await tx.orderSellerSeen.createMany({
    data: sellers.map((sellerId) => ({ orderId, sellerId })),
    skipDuplicates: true,
  });
  const events = new Map(lines.filter((l) => l.ticketTypeId && l.eventId).map((l) => [l.eventId!, l.sellerId]));
  await tx.eventOrganizerSeen.createMany({
    data: [...events].map(([eventId, organizerId]) => ({ eventId, organizerId })),
    skipDuplicates: true,
  });
}

export function findOrder(tx: Tx, orderId: string): Promise<OrderSeen | null> {
  return tx.orderSeen.findUnique({ where: { orderId } });
}

/** False when this refund was already recorded. */
export async function recordRefund(tx: Tx, refund: RefundSeen): Promise<boolean> {
  const { count } = await tx.refundSeen.createMany({ data: [refund], skipDuplicates: true });
  return count === 1;
}

export function refundsOfOrder(tx: Tx, orderId: string): Promise<RefundSeen[]> {
  return tx.refundSeen.findMany({ where: { orderId }, orderBy: [{ refundedAt: 'asc' }, { refundId: 'asc' }] });
}

/** False when this ticket was already recorded as voided. */
export async function recordVoidedTicket(
  tx: Tx,
  ticket: { ticketId: string; eventId: string; voidedAt: Date },
): Promise<boolean> {
  const { count } = await tx.voidedTicket.createMany({ data: [ticket], skipDuplicates: true });
  return count === 1;
}

export async function isTicketVoided(tx: Tx, ticketId: string): Promise<boolean> {
  return (await tx.voidedTicket.count({ where: { ticketId } })) > 0;
}
