import type { HostedModelSettings } from '../../receipt-settings';
import type { ExtractedReceipt } from './extraction';
import { normalizeTaxId, taxIdKind } from './tax-ids';

/**
 * The hosted model extractor: sends the image to Gemini's `generateContent` REST method
 * (`POST {base}/models/{model}:generateContent`, key in `x-goog-api-key`) asking for JSON that
 * follows `RESPONSE_SCHEMA` (`generationConfig.responseMimeType` + `responseSchema`), and reads
 * `candidates[0].content.parts[*].text`. Errors come in Google's shape
 * `{ error: { code, message, status } }`: 429 / RESOURCE_EXHAUSTED (and 500, 503, 504) are
 * `ProviderBusy` (the receipt is tried again later, after the `RetryInfo.retryDelay` or
 * Retry-After the provider gave, else after the worker's backoff), and so is no answer within
 * `timeoutMs`; anything else, a malformed answer included, is `ProviderFailed` (this extractor
 * gives nothing, and what the others read decides).
 */
export class ProviderBusy extends Error {
  override name = 'ProviderBusy';
  constructor(
    message: string,
    /** What the provider asked for; undefined: the worker's own backoff. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

export class ProviderFailed extends Error {
  override name = 'ProviderFailed';
}

const RESPONSE_SCHEMA = {
  type: 'OBJECT',
  properties: {
    merchantName: { type: 'STRING', nullable: true },
    merchantTaxId: { type: 'STRING', nullable: true },
    receiptNumber: { type: 'STRING', nullable: true },
    purchasedAt: {
      type: 'STRING',
      nullable: true,
      description: 'ISO-8601 date and time as printed, e.g. 2026-11-14T18:32:00',
    },
    total: { type: 'NUMBER', nullable: true, description: 'The total paid, in currency units (e.g. 12.35)' },
    currency: { type: 'STRING', nullable: true, description: 'ISO 4217 code, e.g. EUR' },
    lines: {
      type: 'ARRAY',
      items: {
        type: 'OBJECT',
        properties: {
          description: { type: 'STRING' },
          quantity: { type: 'NUMBER', nullable: true },
          total: { type: 'NUMBER', nullable: true },
        },
        required: ['description'],
      },
    },
    confidence: { type: 'NUMBER', description: 'How sure you are of the total and the date, 0 to 1' },
  },
  required: ['lines', 'confidence'],
} as const;

const PROMPT =
  'Extract the purchase data from this shop receipt (it may be in Spanish). Answer only with JSON ' +
  'following the schema; use null for anything not printed on the receipt. Do not guess.';

interface GeminiResponse {
  candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
}

interface GeminiError {
  error?: { code?: number; message?: string; status?: string; details?: { '@type'?: string; retryDelay?: string }[] };
}

/** Answers Google documents as worth retrying: 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED. */
const BUSY = new Set([429, 500, 503, 504]);

function retryDelayMs(body: GeminiError, header: string | null): number | undefined {
  const info = body.error?.details?.find((d) => d['@type']?.endsWith('RetryInfo'));
  const seconds =
    info?.retryDelay?.match(/^(\d+(?:\.\d+)?)s$/)?.[1] ?? (header && /^\d+$/.test(header) ? header : undefined);
  return seconds ? Math.min(Math.round(Number(seconds) * 1000), 3_600_000) : undefined;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

const cents = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 100) : undefined);
const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);

export async function extractWithHostedModel(
  settings: HostedModelSettings,
  image: Buffer,
  mimeType: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ExtractedReceipt> {
  const url = `${settings.baseUrl}/models/${encodeURIComponent(settings.model)}:generateContent`;
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': settings.apiKey },
      body: JSON.stringify({
        contents: [
          { role: 'user', parts: [{ inlineData: { mimeType, data: image.toString('base64') } }, { text: PROMPT }] },
        ],
        generationConfig: { responseMimeType: 'application/json', responseSchema: RESPONSE_SCHEMA, temperature: 0 },
      }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    throw new ProviderBusy(`The model provider did not answer: ${(err as Error).message}`, undefined);
  }
  let raw: string;
  try {
    raw = await res.text();
  } catch (err) {
    throw new ProviderBusy(`The model provider's answer was cut off: ${(err as Error).message}`, undefined);
  }
  const body = (parseJson(raw) ?? {}) as GeminiResponse & GeminiError;
  if (!res.ok) {
    const what = `${res.status} ${body.error?.status ?? ''} ${body.error?.message ?? ''}`.trim();
    if (BUSY.has(res.status) || body.error?.status === 'RESOURCE_EXHAUSTED')
      throw new ProviderBusy(`The model provider is busy: ${what}`, retryDelayMs(body, res.headers.get('retry-after')));
    throw new ProviderFailed(`The model provider refused: ${what}`);
  }
  if (body.promptFeedback?.blockReason) throw new ProviderFailed(`Blocked: ${body.promptFeedback.blockReason}`);
  const answer = body.candidates?.[0]?.content?.parts?.map((p) => p.text ?? '').join('') ?? '';
  const data = parseJson(answer);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ProviderFailed('The model did not answer a JSON object');
  return fromAnswer(data as Record<string, unknown>);
}

/** The extraction from the model's JSON, field by field: what does not have the asked type is left out. */
function fromAnswer(data: Record<string, unknown>): ExtractedReceipt {
  const taxId = text(data.merchantTaxId, 20);
  const validTaxId = taxId && taxIdKind(taxId) ? normalizeTaxId(taxId) : undefined;
  const at =
    typeof data.purchasedAt === 'string'
      ? new Date(/Z|[+-]\d\d:?\d\d$/.test(data.purchasedAt) ? data.purchasedAt : `${data.purchasedAt}Z`)
      : undefined;
  const lines: unknown[] = Array.isArray(data.lines) ? (data.lines as unknown[]) : [];
  const confidence = typeof data.confidence === 'number' ? Math.max(0, Math.min(1, data.confidence)) : 0.5;
  return {
    method: 'HOSTED_MODEL',
    merchantName: text(data.merchantName, 200),
    merchantTaxId: validTaxId,
    receiptNumber: text(data.receiptNumber, 80),
    purchasedAt: at && !Number.isNaN(at.getTime()) ? at : undefined,
    totalCents: cents(data.total),
    currency: typeof data.currency === 'string' && /^[A-Z]{3}$/.test(data.currency) ? data.currency : undefined,
    lines: lines
      .filter(
        (l): l is Record<string, unknown> =>
          typeof l === 'object' && l !== null && typeof (l as Record<string, unknown>).description === 'string',
      )
      .slice(0, 100)
      .map((l) => ({
        description: String(l.description).slice(0, 200),
        quantity: typeof l.quantity === 'number' ? l.quantity : null,
        totalCents: cents(l.total) ?? null,
      })),
    // A model's word is worth less than a fiscal QR: capped below it.
    confidence: Math.min(0.95, confidence),
  };
}
