/**
 * Data access for `notifications.product_stock` (each product's stock, from orders'
 * `StockChanged`) and `notifications.low_stock_digests` (the digests sent, one per seller and
 * UTC day).
 */
import type { Db, Tx } from '../../../../shared/db';

export interface StockState {
  productId: string;
  sellerId: string;
  productName: string;
  available: number;
  /** The event's `changedAt` as sent (ISO with microseconds): compared by Postgres, not by a JS Date. */
  changedAt: string;
}

/** Stores a product's stock unless the stored row is as new or newer: a late or repeated event changes nothing. */
export async function upsertStockIfNewer(tx: Tx, s: StockState): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO notifications.product_stock (product_id, seller_id, product_name, available, changed_at)
    VALUES (${s.productId}::uuid, ${s.sellerId}::uuid, ${s.productName}, ${s.available}, ${s.changedAt}::timestamptz)
    ON CONFLICT (product_id) DO UPDATE
      SET seller_id = EXCLUDED.seller_id, product_name = EXCLUDED.product_name,
          available = EXCLUDED.available, changed_at = EXCLUDED.changed_at
      WHERE notifications.product_stock.changed_at < EXCLUDED.changed_at`;
}

/** Sellers with a product at or below `threshold` units and no digest on `day` yet. */
export async function sellersDue(db: Db, threshold: number, day: string, take: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ seller_id: string }[]>`
    SELECT DISTINCT s.seller_id FROM notifications.product_stock s
    WHERE s.available <= ${threshold}
      AND NOT EXISTS (SELECT 1 FROM notifications.low_stock_digests d
                      WHERE d.seller_id = s.seller_id AND d.day = ${day}::date)
    LIMIT ${take}`;
  return rows.map((r) => r.seller_id);
}

/** Records the seller's digest of `day`; false when another instance recorded it first. */
export async function claimDigest(tx: Tx, sellerId: string, day: string): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO notifications.low_stock_digests (seller_id, day) VALUES (${sellerId}::uuid, ${day}::date)
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

/** The seller's products at or below `threshold`, fewest units first. */
export function lowStockOf(
  tx: Tx,
  sellerId: string,
  threshold: number,
): Promise<{ productId: string; productName: string; available: number }[]> {
  return tx.productStock.findMany({
    where: { sellerId, available: { lte: threshold } },
    orderBy: [{ available: 'asc' }, { productName: 'asc' }],
    select: { productId: true, productName: true, available: true },
  });
}
