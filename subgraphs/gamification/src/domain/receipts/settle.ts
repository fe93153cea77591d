import type { Tx } from '../../../../../shared/db';
import {
  claimIdentities,
  countAccepted,
  lockUserReceipts,
  releaseIdentities,
  type Identity,
  type Receipt,
  type ReceiptFields,
  type ReceiptStatus,
} from '../../data/receipts';
import type { ReceiptSettings } from '../../receipt-settings';
import { emitReceiptApproved } from '../events';
import { fiscalIdentity, implausibility } from './rules';

const DAY = 86_400_000;

export interface Proposal {
  status: Extract<ReceiptStatus, 'APPROVED' | 'NEEDS_REVIEW' | 'REJECTED'>;
  fields: ReceiptFields;
}

/**
 * The rules every acceptance goes through, in the transaction that writes it (`write`):
 * plausibility (a failure is REJECTED with its reason); duplicates (the image's hash and the
 * fiscal identity are claimed, primary keys deciding between concurrent receipts: a receipt
 * whose identity another holds is DUPLICATE); the per-user daily limit (checked under a
 * per-user lock, so concurrent receipts of one user count each other). An APPROVED receipt
 * emits `ReceiptApproved` in the same transaction. `countsTowardsLimit`: false when the
 * receipt was already counted (an ADMIN approving a receipt that waited for review).
 * `write` throws when the receipt is no longer the caller's to decide (a lost lease, a review
 * decided meanwhile), so the identities claimed or released here roll back with it.
 */
export async function settle(
  tx: Tx,
  receipt: Receipt,
  proposal: Proposal,
  ctx: { settings: ReceiptSettings; timeZone: string; now: Date; countsTowardsLimit: boolean },
  write: (status: ReceiptStatus, fields: ReceiptFields) => Promise<Receipt>,
): Promise<Receipt> {
  const fields: ReceiptFields = { ...proposal.fields, decidedAt: ctx.now };
  const merged = { ...receipt, ...fields };
  if (proposal.status === 'REJECTED') {
    await releaseIdentities(tx, receipt.id);
    return write('REJECTED', fields);
  }
  if (merged.purchasedAt && merged.totalCents !== null && merged.totalCents !== undefined) {
    const reason = implausibility(
      { purchasedAt: merged.purchasedAt, totalCents: merged.totalCents },
      ctx.settings,
      ctx.now,
      ctx.timeZone,
    );
    if (reason) {
      await releaseIdentities(tx, receipt.id);
      return write('REJECTED', { ...fields, rejectionReason: reason });
    }
  }
  await lockUserReceipts(tx, receipt.userId);
  const identities: Identity[] = [{ kind: 'image', value: receipt.contentHash }];
  const fiscal = fiscalIdentity(merged);
  if (fiscal) identities.push(fiscal);
  // A correction may have changed the fiscal identity: what this receipt held before is released first.
  await releaseIdentities(tx, receipt.id);
  const owner = await claimIdentities(tx, receipt.id, identities);
  if (owner) {
    await releaseIdentities(tx, receipt.id);
    return write('DUPLICATE', { ...fields, duplicateOfId: owner, rejectionReason: null });
  }
  if (ctx.countsTowardsLimit) {
    const accepted = await countAccepted(tx, receipt.userId, new Date(ctx.now.getTime() - DAY), ctx.now);
    if (accepted >= ctx.settings.maxPerDay) {
      await releaseIdentities(tx, receipt.id);
      return write('REJECTED', { ...fields, rejectionReason: 'DAILY_LIMIT' });
    }
  }
  // Waiting for review keeps why (e.g. UNREADABLE); an approval has no reason.
  const written = await write(proposal.status, {
    ...fields,
    rejectionReason: proposal.status === 'APPROVED' ? null : (fields.rejectionReason ?? null),
  });
  if (written.status === 'APPROVED') {
    await emitReceiptApproved(tx, {
      receiptId: written.id,
      userId: written.userId,
      amountCents: written.totalCents ?? 0,
      currency: written.currency ?? 'EUR',
      merchantName: written.merchantName,
      merchantTaxId: written.merchantTaxId,
      purchasedAt: (written.purchasedAt ?? ctx.now).toISOString(),
      approvedAt: ctx.now.toISOString(),
    });
  }
  return written;
}
