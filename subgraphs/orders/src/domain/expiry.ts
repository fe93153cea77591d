import { inTransaction, type Db } from '../../../../shared/db';
import * as orders from '../data/orders';
import type { OrdersRealtime } from '../realtime';
import * as holds from './holds';
import { markClosed } from './order-flows';

/**
 * A batch of up to 100 orders with all their lines and counters is more work than one request's
 * transaction: it may run longer (30 s) before it is rolled back.
 */
const EXPIRY_TRANSACTION = { timeout: 30_000 };

/**
 * The hold expiry job: unpaid orders past `expiresAt` become EXPIRED and release their holds,
 * one batch per call, in one transaction. `FOR UPDATE SKIP LOCKED` lets several instances run
 * this at once, each taking different orders, and skips an order a payment is settling right
 * now. Subscribers hear of the expired orders once the batch committed.
 */
export async function expireOrders(db: Db, realtime: OrdersRealtime, now: Date, limit = 100): Promise<number> {
  const expired = await inTransaction(
    db,
    async (tx) => {
      const ids = await orders.lockExpiredOrders(tx, now, limit);
      if (ids.length === 0) return ids;
      const batch = await orders.findOrdersByIds(tx, ids);
      // All lines of the batch at once, so each counter is updated once and in lock order.
      const lines = await orders.findLinesByOrderIds(tx, ids);
      await holds.release(tx, lines, 'hold expired', null);
      for (const order of batch) await markClosed(tx, order, 'EXPIRED', now, lines);
      return ids;
    },
    EXPIRY_TRANSACTION,
  );
  await realtime.ordersChanged(expired, { counters: true });
  return expired.length;
}
