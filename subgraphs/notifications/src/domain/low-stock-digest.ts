/**
 * The daily low-stock digest: once per UTC day, from `hourUtc` on, each seller (organizer)
 * with products at or below `threshold` units for sale gets one mail listing them. The day's
 * digest of a seller is claimed in `low_stock_digests` in the transaction that queues it, so
 * several instances send it once; stock comes from `StockChanged` (event-handlers.ts).
 */
import { randomUUID } from 'node:crypto';
import { inTransaction, type Db } from '../../../../shared/db';
import type { Logger } from '../../../../shared/logger';
import { claimDigest, lowStockOf, sellersDue } from '../data/stock';
import { findRecipient } from '../data/recipients';
import type { NotificationWriter } from './notification-writer';
import { lowStockDigest } from './templates';

export interface LowStockSettings {
  /** A product with this many units for sale or fewer is low. */
  threshold: number;
  /** The digest of a day goes out on the first pass at or after this UTC hour. */
  hourUtc: number;
  /** How often the digest worker looks. */
  pollMs: number;
}

/** Sellers one pass takes. */
const BATCH = 50;

export class LowStockDigests {
  constructor(
    private readonly deps: {
      db: Db;
      writer: NotificationWriter;
      settings: LowStockSettings;
      appUrl: string;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  /** One pass: queues the day's digests still due; resolves with how many sellers it handled. */
  async runOnce(): Promise<number> {
    const { db, settings } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    if (now.getUTCHours() < settings.hourUtc) return 0;
    const day = now.toISOString().slice(0, 10);
    const sellers = await sellersDue(db, settings.threshold, day, BATCH);
    for (const sellerId of sellers) {
      const effects: (() => Promise<void>)[] = [];
      await inTransaction(db, async (tx) => {
        if (!(await claimDigest(tx, sellerId, day))) return;
        const products = await lowStockOf(tx, sellerId, settings.threshold);
        // Restocked since it was listed: nothing to tell today.
        if (products.length === 0) return;
        const seller = await findRecipient(tx, sellerId);
        if (!seller) {
          this.deps.logger.warn('low-stock digest for a seller never announced by UserChanged; not sent', { sellerId });
          return;
        }
        await this.deps.writer.queue(tx, (effect) => effects.push(effect), {
          eventId: randomUUID(),
          template: 'low-stock-digest',
          category: 'TRANSACTIONAL',
          to: {
            key: seller.userId,
            userId: seller.userId,
            feed: true,
            email: seller.email,
            name: seller.name,
            locale: seller.locale,
          },
          render: (lang) =>
            lowStockDigest(lang, {
              name: seller.name,
              day,
              products,
              link: new URL('/organizer/products', this.deps.appUrl).toString(),
            }),
        });
      });
      for (const effect of effects) await effect();
    }
    return sellers.length;
  }
}
