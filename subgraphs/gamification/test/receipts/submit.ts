import { Readable } from 'node:stream';
import type { Viewer } from '../../../../shared/auth/tokens';
import { createLogger } from '../../../../shared/logger';
import { pubsubFor } from '../../../../shared/realtime/pubsub';
import { testReceiptStore } from '../../../../test/helpers/services';
import { eventually } from '../../../../test/helpers/eventually';
import { ReceiptService } from '../../src/domain/receipts/receipt-service';
import { ReceiptUpdates } from '../../src/domain/receipts/updates';
import { DEFAULT_SETTINGS } from '../../src/settings';
import { LocalFileStorage } from '../../src/storage';
import type { ReceiptSettings } from '../../src/receipt-settings';
import type { GamificationHarness } from '../helpers';

/** Receipt settings of a test: the defaults, this process's receipt store, a fast poll, and `overrides`. */
export const testReceiptSettings = (overrides: Partial<ReceiptSettings> = {}): ReceiptSettings => ({
  ...DEFAULT_SETTINGS.receipts,
  storageDir: testReceiptStore(),
  pollMs: 50,
  ...overrides,
});

/**
 * Uploads `file` as `viewer` (the upload service the gateway's route reaches, streamed) and
 * submits it through the subgraph's schema (`submitReceipt`); returns the receipt's id.
 */
export async function submitReceipt(
  g: GamificationHarness,
  settings: ReceiptSettings,
  viewer: Viewer,
  file: Buffer,
): Promise<string> {
  const service = new ReceiptService({
    db: g.db,
    storage: new LocalFileStorage(settings.storageDir),
    settings,
    timeZone: DEFAULT_SETTINGS.timeZone,
    updates: new ReceiptUpdates({ pubsub: pubsubFor({}), logger: createLogger('test', 'silent') }),
    now: () => new Date(),
  });
  const { uploadId } = await service.receiveUpload(viewer, Readable.from([file]));
  const res = await g.execute<{ submitReceipt: { id: string; status: string } }>(
    `mutation ($id: ID!) { submitReceipt(input: { uploadId: $id }) { id status } }`,
    { id: uploadId },
    viewer,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.submitReceipt.id;
}

/** Waits until the receipt left PROCESSING; its row. */
export function decided(g: GamificationHarness, id: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const row = await g.db.receipt.findUniqueOrThrow({ where: { id } });
      return row.status !== 'PROCESSING' && row;
    },
    { what: `receipt ${id} to be decided`, timeoutMs },
  );
}
