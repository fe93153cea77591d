import { ConfigError, type Config } from '../../../shared/config';
import { receiptSettings, type ReceiptSettings } from './receipt-settings';

/** What the gamification subgraph needs besides its database. */
export interface GamificationSettings {
  /**
   * The IANA time zone of local days, weeks, months and seasons (caps, streaks, leaderboard
   * windows). Ledger rows store their local day, so changing it affects only later entries.
   */
  timeZone: string;
  /** `leaderboardChanged`: at most one update per leaderboard per this many ms. */
  leaderboardCoalesceMs: number;
  /** Shop receipts: uploads, extraction, plausibility (receipt-settings.ts). */
  receipts: ReceiptSettings;
}

export const DEFAULT_SETTINGS: GamificationSettings = {
  timeZone: 'Europe/Madrid',
  leaderboardCoalesceMs: 500,
  receipts: receiptSettings({ NODE_ENV: 'test' }),
};

/** gamification only: its settings, from the config; an unknown time zone stops the process. */
export function gamificationSettings(config: Config): GamificationSettings {
  const timeZone = config.GAMIFICATION_TIMEZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`Invalid environment:\n  GAMIFICATION_TIMEZONE: unknown time zone ${timeZone}`);
  }
  return { ...DEFAULT_SETTINGS, timeZone, receipts: receiptSettings(config) };
}
