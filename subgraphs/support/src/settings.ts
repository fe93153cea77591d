import { ConfigError, type Config } from '../../../shared/config';
import { parseCalendar, type BusinessCalendar } from './domain/business-hours';

/** What the support subgraph needs besides its database, from the config. */
export interface SupportSettings {
  /** The help desk's opening hours: SLA clocks count only these. */
  calendar: BusinessCalendar;
  /** Widget tickets one client address, and one email, may open per hour. */
  widgetLimits: { perIp: number; perEmail: number };
}

/** The help-desk settings; a schedule or time zone that does not parse is a ConfigError naming both variables. */
export function supportSettings(config: Config): SupportSettings {
  let calendar: BusinessCalendar;
  try {
    calendar = parseCalendar(config.SUPPORT_BUSINESS_HOURS, config.SUPPORT_TIMEZONE);
  } catch (err) {
    throw new ConfigError(
      `Invalid environment:\n  SUPPORT_BUSINESS_HOURS / SUPPORT_TIMEZONE: ${(err as Error).message}`,
    );
  }
  return {
    calendar,
    widgetLimits: { perIp: config.SUPPORT_WIDGET_LIMIT_PER_IP, perEmail: config.SUPPORT_WIDGET_LIMIT_PER_EMAIL },
  };
}
