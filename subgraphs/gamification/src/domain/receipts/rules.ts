import type { ReceiptSettings } from '../../receipt-settings';
import { localDay } from '../calendar';
import { COUNTRY_OF, taxIdKind } from './tax-ids';

/** Why a receipt is refused (`rejectionReason`), or waits for review. */
export type RejectionReason =
  | 'FUTURE_DATE'
  | 'TOO_OLD'
  | 'TOTAL_TOO_LOW'
  | 'TOTAL_TOO_HIGH'
  | 'DAILY_LIMIT'
  | 'INVALID_FISCAL_CODE'
  | 'UNREADABLE'
  | 'REVIEW_REJECTED';

const DAY = 86_400_000;

/**
 * Plausibility of what was read: the purchase day is not after today (receipt times are local
 * wall-clock times, stored as written, so days are compared in the platform's time zone), not
 * older than `maxAgeDays`, and the total is within bounds. Undefined when it passes.
 */
export function implausibility(
  r: { purchasedAt: Date; totalCents: number },
  settings: Pick<ReceiptSettings, 'maxAgeDays' | 'minTotalCents' | 'maxTotalCents'>,
  now: Date,
  timeZone: string,
): RejectionReason | undefined {
  const today = localDay(now, timeZone).getTime();
  const purchaseDay = Date.UTC(r.purchasedAt.getUTCFullYear(), r.purchasedAt.getUTCMonth(), r.purchasedAt.getUTCDate());
  if (purchaseDay > today) return 'FUTURE_DATE';
  if (purchaseDay < today - settings.maxAgeDays * DAY) return 'TOO_OLD';
  if (r.totalCents < settings.minTotalCents) return 'TOTAL_TOO_LOW';
  if (r.totalCents > settings.maxTotalCents) return 'TOTAL_TOO_HIGH';
  return undefined;
}

/**
 * What makes two receipts the same purchase: the issuer's tax id and the receipt number, in the
 * tax id's country (whichever extractor or reviewer gave it: a QR code, OCR, the model, an ADMIN).
 */
export function fiscalIdentity(r: {
  country?: string | null;
  merchantTaxId?: string | null;
  receiptNumber?: string | null;
}) {
  if (!r.merchantTaxId || !r.receiptNumber) return undefined;
  const number = r.receiptNumber.toUpperCase().replace(/\s/g, '');
  const kind = taxIdKind(r.merchantTaxId);
  const country = (kind && COUNTRY_OF[kind]) ?? r.country ?? '-';
  return { kind: 'fiscal' as const, value: `${country}|${r.merchantTaxId}|${number}`.slice(0, 200) };
}
