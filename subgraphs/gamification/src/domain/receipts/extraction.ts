/** What an extractor read from a receipt (every field optional: extractors merge best first). */
export interface ReceiptLineData {
  description: string;
  quantity: number | null;
  totalCents: number | null;
}

export type ExtractionMethod = 'FISCAL_QR' | 'OCR' | 'HOSTED_MODEL';

export interface ExtractedReceipt {
  method: ExtractionMethod;
  /** e.g. ES_VERIFACTU, ES_TICKETBAI, MX_CFDI, AR_AFIP, EC_SRI. */
  fiscalFormat?: string;
  country?: string;
  merchantName?: string;
  merchantTaxId?: string;
  receiptNumber?: string;
  purchasedAt?: Date;
  totalCents?: number;
  currency?: string;
  lines: ReceiptLineData[];
  /** 0..1: how much this reading is to be trusted. */
  confidence: number;
}

/** "1.234,56", "1,234.56", "241.4", "3,58" → cents; undefined when it is not an amount. */
export function parseAmount(raw: string): number | undefined {
  const s = raw.replace(/\s/g, '').replace(/[€$]/g, '');
  if (!/^-?\d[\d.,]*$/.test(s)) return undefined;
  const lastSep = Math.max(s.lastIndexOf(','), s.lastIndexOf('.'));
  let units: string;
  let decimals = '';
  if (lastSep >= 0 && s.length - lastSep - 1 <= 2 && s.length - lastSep - 1 >= 1) {
    units = s.slice(0, lastSep).replace(/[.,]/g, '');
    decimals = s.slice(lastSep + 1);
  } else if (lastSep >= 0 && s.length - lastSep - 1 > 2 && /^\d+\.\d+$/.test(s)) {
    // A machine decimal with more than 2 decimals (CFDI's tt=0000001234.567890): round.
    return Math.round(Number(s) * 100);
  } else {
    units = s.replace(/[.,]/g, '');
  }
  const cents = Number(units || '0') * 100 + Number(decimals.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}
