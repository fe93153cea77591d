import type { HostedModelSettings } from '../../receipt-settings';
import type { ExtractedReceipt } from './extraction';
import { parseFiscalQr } from './fiscal-qr';
import { extractWithHostedModel } from './hosted-model';
import { decodeQrCodes } from './images';
import { recognize } from './ocr';
import { parseReceiptText } from './text-parser';

/** One extractor's run, kept on the receipt (`extraction`) and behind the timing figures. */
export interface ExtractorRun {
  method: string;
  ms: number;
  outcome: 'found' | 'partial' | 'nothing' | 'rejected' | 'failed';
  detail?: string;
}

export interface PipelineResult {
  /** The fields merged from every extractor that ran, best first; undefined when none read anything. */
  receipt?: ExtractedReceipt;
  /** A fiscal QR code was found but failed its own checks (and none passed). */
  invalidFiscalCode?: { format: string; reason: string };
  runs: ExtractorRun[];
}

export interface PipelineOptions {
  ocr: boolean;
  hostedModel?: HostedModelSettings;
  /** Below this the next extractor is tried. */
  enoughConfidence: number;
}

const complete = (r: ExtractedReceipt | undefined) => !!r && r.totalCents !== undefined && !!r.purchasedAt;

/** Fields of `better` win; `worse` fills what `better` lacks. Confidence: the reading that completed it. */
function merge(better: ExtractedReceipt | undefined, worse: ExtractedReceipt): ExtractedReceipt {
  if (!better) return worse;
  const merged: ExtractedReceipt = { ...better, lines: better.lines.length ? better.lines : worse.lines };
  for (const key of [
    'country',
    'merchantName',
    'merchantTaxId',
    'receiptNumber',
    'purchasedAt',
    'totalCents',
    'currency',
  ] as const) {
    if (merged[key] === undefined) (merged as unknown as Record<string, unknown>)[key] = worse[key];
  }
  merged.confidence = complete(better) ? better.confidence : Math.min(better.confidence, worse.confidence);
  return merged;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, Math.round(performance.now() - started)];
}

/**
 * The extractors, best first, each run only while the reading is incomplete or not confident
 * enough: fiscal QR codes (deterministic), then OCR with the Spanish receipt parser, then the
 * hosted model when configured. `image` is the normalised image (undefined for a PDF, which
 * only the hosted model reads); `original` and its type go to the hosted model.
 */
export async function runPipeline(
  input: { image?: Buffer; original: Buffer; contentType: string },
  options: PipelineOptions,
): Promise<PipelineResult> {
  const runs: ExtractorRun[] = [];
  let receipt: ExtractedReceipt | undefined;
  let invalidFiscalCode: PipelineResult['invalidFiscalCode'];
  const good = () => complete(receipt) && receipt!.confidence >= options.enoughConfidence;

  if (input.image) {
    const [codes, ms] = await timed(() => decodeQrCodes(input.image!));
    let found: ExtractedReceipt | undefined;
    for (const code of codes) {
      const parsed = parseFiscalQr(code);
      if (parsed && 'receipt' in parsed && !found) found = parsed.receipt;
      if (parsed && 'rejected' in parsed) invalidFiscalCode ??= parsed.rejected;
    }
    if (found) invalidFiscalCode = undefined;
    receipt = found;
    runs.push({
      method: 'FISCAL_QR',
      ms,
      outcome: found ? (complete(found) ? 'found' : 'partial') : invalidFiscalCode ? 'rejected' : 'nothing',
      detail: found?.fiscalFormat ?? (invalidFiscalCode && `${invalidFiscalCode.format}: ${invalidFiscalCode.reason}`),
    });
    if (invalidFiscalCode) return { invalidFiscalCode, runs };
  }

  if (input.image && options.ocr && !good()) {
    try {
      const [read, ms] = await timed(() => recognize(input.image!));
      const parsed: ExtractedReceipt = { method: 'OCR', ...parseReceiptText(read.text, read.confidence) };
      // An SRI access key printed under the barcode reads as text too.
      const key = read.text.replace(/\s/g, '').match(/(?<!\d)\d{49}(?!\d)/);
      const fromKey = key ? parseFiscalQr(key[0]) : null;
      if (!receipt && fromKey && 'receipt' in fromKey) receipt = fromKey.receipt;
      receipt = merge(receipt, parsed);
      runs.push({
        method: 'OCR',
        ms,
        outcome: complete(parsed) ? 'found' : 'partial',
        detail: `confidence ${parsed.confidence}`,
      });
    } catch (err) {
      runs.push({ method: 'OCR', ms: 0, outcome: 'failed', detail: (err as Error).message });
    }
  }

  if (options.hostedModel && !good()) {
    // ProviderBusy propagates: the receipt is tried again later.
    try {
      const [read, ms] = await timed(() =>
        extractWithHostedModel(options.hostedModel!, input.original, input.contentType),
      );
      receipt =
        receipt && complete(receipt) && receipt.confidence >= read.confidence
          ? merge(receipt, read)
          : merge(read, receipt ?? read);
      runs.push({ method: 'HOSTED_MODEL', ms, outcome: complete(read) ? 'found' : 'partial' });
    } catch (err) {
      if ((err as Error).name === 'ProviderBusy') throw err;
      runs.push({ method: 'HOSTED_MODEL', ms: 0, outcome: 'failed', detail: (err as Error).message });
    }
  }
  return { receipt, runs };
}
