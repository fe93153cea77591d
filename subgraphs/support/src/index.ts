import { ConfigError, supportSettings } from '../../../shared/config';
import { runSubgraph } from '../../../shared/service';
import { parseCalendar } from './domain/business-hours';
import { createServer } from './server';
import { startWorkers } from './workers';

runSubgraph('support', {
  extras(config) {
    const settings = supportSettings(config);
    try {
      parseCalendar(settings.businessHours, settings.timeZone);
    } catch (err) {
      throw new ConfigError(
        `Invalid environment:\n  SUPPORT_BUSINESS_HOURS / SUPPORT_TIMEZONE: ${(err as Error).message}`,
      );
    }
    return { settings };
  },
  createServer,
  startWorkers,
});
