import { ConfigError, type Config } from '../../../shared/config';

/** What the gamification subgraph needs besides its database. */
export interface GamificationSettings {
  /**
   * The IANA time zone of local days, weeks, months and seasons (caps, streaks, leaderboard
   * windows). Ledger rows store their local day, so changing it affects only later entries.
   */
  timeZone: string;
  /** `leaderboardChanged`: at most one update per leaderboard per this many ms. */
  leaderboardCoalesceMs: number;
}

export const DEFAULT_SETTINGS: GamificationSettings = { timeZone: 'Europe/Madrid', leaderboardCoalesceMs: 500 };

/** gamification only: its settings, from the config; an unknown time zone stops the process. */
export function gamificationSettings(config: Config): GamificationSettings {
  const timeZone = config.GAMIFICATION_TIMEZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`Invalid environment:\n  GAMIFICATION_TIMEZONE: unknown time zone ${timeZone}`);
  }
  return { ...DEFAULT_SETTINGS, timeZone };
}
