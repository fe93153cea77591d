import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../../shared/config';

/** The hosted model extractor's provider settings (Gemini's `generateContent` REST API). */
export interface HostedModelSettings {
  provider: 'gemini';
  apiKey: string;
  /** API base, e.g. `https://generativelanguage.googleapis.com/v1beta` (tests: a local server). */
  baseUrl: string;
  model: string;
  timeoutMs: number;
}

/** What the receipts part of gamification needs (from RECEIPT_* variables, shared/config.ts). */
export interface ReceiptSettings {
  maxUploadBytes: number;
  uploadTtlMs: number;
  /** Absolute folder of the local receipt store. */
  storageDir: string;
  maxAgeDays: number;
  minTotalCents: number;
  maxTotalCents: number;
  maxPerDay: number;
  /** Below this confidence a receipt waits for an ADMIN. */
  reviewBelowConfidence: number;
  leaseMs: number;
  /** How often an idle worker looks for receipts to process. */
  pollMs: number;
  /** Attempts before a receipt that keeps failing goes to review (`PROCESSING_FAILED`). */
  maxAttempts: number;
  ocr: boolean;
  /** Absent: the hosted model extractor is off. */
  hostedModel?: HostedModelSettings;
}

/** Receipt settings from the config (or from a partial environment, for defaults). */
export function receiptSettings(source: Config | NodeJS.ProcessEnv): ReceiptSettings {
  const config = 'isProduction' in source ? (source as Config) : loadConfig(source);
  if (config.RECEIPT_MIN_TOTAL_CENTS > config.RECEIPT_MAX_TOTAL_CENTS) {
    throw new ConfigError('Invalid environment:\n  RECEIPT_MIN_TOTAL_CENTS: must not exceed RECEIPT_MAX_TOTAL_CENTS');
  }
  let hostedModel: HostedModelSettings | undefined;
  if (config.RECEIPT_MODEL_PROVIDER === 'gemini') {
    if (!config.RECEIPT_MODEL_API_KEY) {
      throw new ConfigError(
        'Invalid environment:\n  RECEIPT_MODEL_API_KEY: required when RECEIPT_MODEL_PROVIDER=gemini',
      );
    }
    hostedModel = {
      provider: 'gemini',
      apiKey: config.RECEIPT_MODEL_API_KEY,
      baseUrl: config.RECEIPT_MODEL_URL.replace(/\/+$/, ''),
      model: config.RECEIPT_MODEL_NAME,
      timeoutMs: config.RECEIPT_MODEL_TIMEOUT_MS,
    };
  }
  return {
    maxUploadBytes: config.RECEIPT_UPLOAD_MAX_BYTES,
    uploadTtlMs: config.RECEIPT_UPLOAD_TTL_MINUTES * 60_000,
    storageDir: path.resolve(config.RECEIPT_STORAGE_DIR),
    maxAgeDays: config.RECEIPT_MAX_AGE_DAYS,
    minTotalCents: config.RECEIPT_MIN_TOTAL_CENTS,
    maxTotalCents: config.RECEIPT_MAX_TOTAL_CENTS,
    maxPerDay: config.RECEIPT_MAX_PER_DAY,
    reviewBelowConfidence: config.RECEIPT_REVIEW_BELOW_CONFIDENCE,
    leaseMs: config.RECEIPT_LEASE_MS,
    pollMs: 500,
    maxAttempts: 5,
    ocr: config.RECEIPT_OCR,
    hostedModel,
  };
}
