import { loop, type Worker } from '../../../../../shared/events/bus';
import { pubsubFor } from '../../../../../shared/realtime/pubsub';
import { deleteUnsubmittedUpload, expiredUploads } from '../../data/receipts';
import type { GamificationDeps } from '../../server';
import { LocalFileStorage } from '../../storage';
import { stopOcr } from './ocr';
import { processNextReceipt } from './processor';
import { ReceiptUpdates } from './updates';

/**
 * The receipt workers of a gamification process: the processor (one receipt at a time per
 * process; several processes share the queue through leases) and a sweeper that deletes
 * uploads never submitted once they expired (file and row).
 */
export function startReceiptWorkers(deps: GamificationDeps): Worker[] {
  const settings = deps.settings.receipts;
  const storage = deps.receiptStorage ?? new LocalFileStorage(settings.storageDir);
  const now = deps.now ?? (() => new Date());
  const processor = loop(
    () =>
      processNextReceipt({
        db: deps.db,
        storage,
        settings,
        timeZone: deps.settings.timeZone,
        updates: new ReceiptUpdates({ pubsub: pubsubFor(deps), logger: deps.logger }),
        logger: deps.logger,
        now,
      }),
    { logger: deps.logger, pollMs: settings.pollMs, name: 'receipt processor' },
  );
  const sweeper = loop(
    async () => {
      let removed = 0;
      for (const upload of await expiredUploads(deps.db, now(), 100)) {
        if (await deleteUnsubmittedUpload(deps.db, upload.id)) {
          await storage.delete(upload.storageKey);
          removed++;
        }
      }
      return removed;
    },
    { logger: deps.logger, pollMs: 60_000, name: 'expired receipt uploads' },
  );
  return [
    {
      runOnce: () => processor.runOnce(),
      async stop() {
        await processor.stop();
        await stopOcr();
      },
    },
    sweeper,
  ];
}
