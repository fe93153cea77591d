import type { Tx } from '../../../../shared/db';
import * as inventory from '../data/inventory';
import type { OrderLine } from '../data/orders';
import { stockChanged } from './events';

/**
 * What happens to the counters of order lines as orders move. Each takes the lines of one or
 * more orders (whose rows the caller has locked) and updates each counter once, in lock order.
 */
type Line = Pick<OrderLine, 'orderId' | 'ticketTypeId' | 'productId' | 'warehouseId' | 'quantity'>;

function movements(
  lines: Line[],
  kind: 'RELEASE' | 'OUT' | 'IN',
  reason: string,
  actorId: string | null,
): inventory.Movement[] {
  return lines
    .filter((l) => l.productId && l.warehouseId && l.quantity > 0)
    .map((l) => ({
      productId: l.productId!,
      warehouseId: l.warehouseId!,
      kind,
      quantity: l.quantity,
      reason,
      actorId,
      orderId: l.orderId,
    }));
}

const productsOf = (lines: Line[]) => lines.flatMap((l) => (l.productId && l.quantity > 0 ? [l.productId] : []));

/** Unpaid holds go back (expired, cancelled, payment failed). */
export async function release(tx: Tx, lines: Line[], reason: string, actorId: string | null): Promise<void> {
  await inventory.releaseHolds(tx, inventory.sortedTicketCounts(lines), inventory.sortedStockCounts(lines));
  await inventory.recordMovements(tx, movements(lines, 'RELEASE', reason, actorId));
  await stockChanged(tx, productsOf(lines));
}

/** Paid holds become sales. */
export async function commit(tx: Tx, lines: Line[]): Promise<void> {
  await inventory.commitHolds(tx, inventory.sortedTicketCounts(lines), inventory.sortedStockCounts(lines));
  await inventory.recordMovements(tx, movements(lines, 'OUT', 'order paid', null));
  await stockChanged(tx, productsOf(lines));
}

/** Refunded units come back (`quantity` is the refunded quantity of each line). */
export async function giveBack(tx: Tx, lines: Line[], reason: string, actorId: string | null): Promise<void> {
  await inventory.returnSold(tx, inventory.sortedTicketCounts(lines), inventory.sortedStockCounts(lines));
  await inventory.recordMovements(tx, movements(lines, 'IN', reason, actorId));
  await stockChanged(tx, productsOf(lines));
}
