import type { Config } from '../../../shared/config';
import { DAY_ROLLUP_ZONE } from './data/read-model';

/** What the reports subgraph needs besides its database. */
export interface ReportsSettings {
  /** The IANA time zone of reports that name none, and of the dashboard's "today" by default. */
  timeZone: string;
  /** `dashboardUpdated`: at most one update per scope per this many ms (the first at once). */
  dashboardCoalesceMs: number;
}

export const DEFAULT_SETTINGS: ReportsSettings = { timeZone: DAY_ROLLUP_ZONE, dashboardCoalesceMs: 250 };

/** reports only: its settings, from the config (which has checked the time zone). */
export function reportsSettings(config: Config): ReportsSettings {
  return { ...DEFAULT_SETTINGS, timeZone: config.REPORTS_TIMEZONE };
}
