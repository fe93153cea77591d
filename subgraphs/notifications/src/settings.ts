import { ConfigError, type Config } from '../../../shared/config';
import type { LowStockSettings } from './domain/low-stock-digest';

/** What the notifications subgraph needs besides its database: where mail goes, and how it retries. */
export interface MailSettings {
  /** The SMTP server (`smtp://` or `smtps://`, credentials in the URL). */
  smtpUrl: string;
  /** The From of every mail. */
  from: string;
  /** The Reply-To of every mail, when set. */
  replyTo?: string;
  /** The base URL of the web app that links in mails open. */
  appUrl: string;
  /** The first retry waits this long; each next one twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a mail that keeps failing is given up (FAILED, retryable by an ADMIN). */
  maxAttempts: number;
  /** How often the sender looks for due mail when it found none. */
  pollMs: number;
  /** How many mails one pass of the sender takes (each instance takes its own, `SKIP LOCKED`). */
  batchSize: number;
  /** The daily low-stock digest to sellers. */
  lowStock: LowStockSettings;
}

/** The low-stock digest: 5 units or fewer is low; sent from 07:00 UTC (08:00/09:00 in Madrid), looked for every minute. */
export const DEFAULT_LOW_STOCK: LowStockSettings = { threshold: 5, hourUtc: 7, pollMs: 60_000 };

/** Retries: 2 s doubling to 10 min, 30 attempts: about four hours of an SMTP outage before a mail is given up. */
export const DEFAULT_RETRIES = {
  retryBaseMs: 2_000,
  retryMaxMs: 600_000,
  maxAttempts: 30,
  pollMs: 1_000,
  batchSize: 20,
} as const satisfies Partial<MailSettings>;

/** notifications only: its settings from the config. SMTP_URL is required (npm start sets it to its mailbox). */
export function mailSettings(config: Config): MailSettings {
  if (!config.SMTP_URL) {
    throw new ConfigError(
      'Invalid environment:\n  SMTP_URL: required by the notifications subgraph (npm start runs a development mailbox when it is unset)',
    );
  }
  return {
    ...DEFAULT_RETRIES,
    lowStock: DEFAULT_LOW_STOCK,
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
    replyTo: config.MAIL_REPLY_TO,
    appUrl: config.APP_URL,
  };
}
