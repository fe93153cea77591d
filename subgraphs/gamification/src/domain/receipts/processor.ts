import { inTransaction, type Db } from '../../../../../shared/db';
import type { Logger } from '../../../../../shared/logger';
import { claimNext, finishIfHeld, findReceipt, identityOwner, postpone, type Receipt } from '../../data/receipts';
import type { ReceiptSettings } from '../../receipt-settings';
import type { ReceiptStorage } from '../../storage';
import { ProviderBusy } from './hosted-model';
import { normalizeImage } from './images';
import { runPipeline } from './pipeline';
import { settle, type Proposal } from './settle';
import type { ReceiptUpdates } from './updates';

export interface ProcessorDeps {
  db: Db;
  storage: ReceiptStorage;
  settings: ReceiptSettings;
  timeZone: string;
  updates: ReceiptUpdates;
  logger: Logger;
  now: () => Date;
}

/**
 * One step of the receipt worker: takes the oldest waiting receipt (a lease, SKIP LOCKED),
 * extracts it, and settles it (settle.ts) in one transaction that only the lease's holder can
 * commit. A worker that dies mid-receipt leaves its lease to run out; the receipt is then
 * taken again, at most `maxAttempts` times before it goes to review. Resolves with the number
 * of receipts handled (0: nothing to do).
 */
export async function processNextReceipt(deps: ProcessorDeps): Promise<number> {
  const receipt = await claimNext(deps.db, deps.settings.leaseMs);
  if (!receipt) return 0;
  const token = receipt.leaseToken!;
  try {
    const proposal = await propose(deps, receipt);
    const settled = await inTransaction(deps.db, (tx) =>
      settle(
        tx,
        receipt,
        proposal,
        { settings: deps.settings, timeZone: deps.timeZone, now: deps.now(), countsTowardsLimit: true },
        async (status, fields) => {
          const written = await finishIfHeld(tx, receipt.id, token, status, fields);
          if (!written) throw new LeaseLost();
          return written;
        },
      ),
    );
    await deps.updates.changed(settled);
  } catch (err) {
    if (err instanceof LeaseLost) {
      // Another worker took the receipt over (this one outlived its lease): nothing was written.
      deps.logger.warn('receipt lease lost before it was settled', { receiptId: receipt.id });
      return 1;
    }
    if (err instanceof ProviderBusy) {
      deps.logger.warn('receipt postponed: the model provider is busy', {
        receiptId: receipt.id,
        retryAfterMs: err.retryAfterMs,
      });
      await postpone(deps.db, receipt.id, token, err.retryAfterMs ?? backoffMs(receipt.attempts));
      return 1;
    }
    // The lease runs out and another attempt follows; after maxAttempts it goes to review.
    deps.logger.error('receipt processing failed', { receiptId: receipt.id, error: (err as Error).message });
    await postpone(deps.db, receipt.id, token, backoffMs(receipt.attempts));
  }
  return 1;
}

class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** The wait before the next attempt of a receipt whose attempt failed: 2 s, 4 s, ... at most a minute. */
const backoffMs = (attempts: number) => Math.min(60_000, 1000 * 2 ** attempts);

async function propose(deps: ProcessorDeps, receipt: Receipt): Promise<Proposal> {
  if (receipt.attempts > deps.settings.maxAttempts) {
    return { status: 'NEEDS_REVIEW', fields: { rejectionReason: 'UNREADABLE' } };
  }
  // The same image already accepted: no need to read it again (settle decides for good).
  const owner = await identityOwner(deps.db, { kind: 'image', value: receipt.contentHash });
  if (owner && owner !== receipt.id && (await findReceipt(deps.db, owner))) {
    return { status: 'NEEDS_REVIEW', fields: {} };
  }
  const original = await deps.storage.get(receipt.storageKey);
  const image = receipt.contentType === 'application/pdf' ? undefined : await normalizeImage(original);
  let normalizedKey: string | null = null;
  if (image) {
    normalizedKey = `normalized/${receipt.id}.png`;
    await deps.storage.put(normalizedKey, image);
  }
  const result = await runPipeline(
    { image, original, contentType: receipt.contentType },
    {
      ocr: deps.settings.ocr,
      hostedModel: deps.settings.hostedModel,
      enoughConfidence: deps.settings.reviewBelowConfidence,
    },
  );
  const r = result.receipt;
  const base = { normalizedKey, extraction: result.runs as never };
  if (result.invalidFiscalCode) {
    return {
      status: 'REJECTED',
      fields: { ...base, rejectionReason: 'INVALID_FISCAL_CODE', fiscalFormat: result.invalidFiscalCode.format },
    };
  }
  if (!r) return { status: 'NEEDS_REVIEW', fields: { ...base, rejectionReason: 'UNREADABLE', confidence: 0 } };
  const complete = r.totalCents !== undefined && !!r.purchasedAt;
  const fields = {
    ...base,
    method: r.method,
    fiscalFormat: r.fiscalFormat ?? null,
    confidence: r.confidence,
    merchantName: r.merchantName ?? null,
    merchantTaxId: r.merchantTaxId ?? null,
    receiptNumber: r.receiptNumber ?? null,
    purchasedAt: r.purchasedAt ?? null,
    totalCents: r.totalCents ?? null,
    currency: r.currency ?? null,
    country: r.country ?? null,
    lines: r.lines as never,
  };
  const confident = complete && r.confidence >= deps.settings.reviewBelowConfidence && !!r.currency;
  return { status: confident ? 'APPROVED' : 'NEEDS_REVIEW', fields };
}
