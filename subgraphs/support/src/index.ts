import Redis from 'ioredis';
import { remoteJwks } from '../../../shared/auth/jwks';
import { prismaSessionLookup } from '../../../shared/auth/sessions';
import { createTokenVerifier } from '../../../shared/auth/tokens';
import { ConfigError, requireDatabaseUrl, supportSettings } from '../../../shared/config';
import { createPrisma } from '../../../shared/db';
import { runService } from '../../../shared/service';
import { parseCalendar } from './domain/business-hours';
import { createServer } from './server';
import { startWorkers } from './workers';

runService('support', 4006, async (config, logger) => {
  const settings = supportSettings(config);
  try {
    parseCalendar(settings.businessHours, settings.timeZone);
  } catch (err) {
    throw new ConfigError(`Invalid environment:\n  SUPPORT_BUSINESS_HOURS / SUPPORT_TIMEZONE: ${(err as Error).message}`);
  }
  const db = createPrisma({ databaseUrl: requireDatabaseUrl(config, 'the support subgraph'), connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : undefined;
  const deps = {
    db,
    redis,
    eventStream: config.EVENT_STREAM,
    settings,
    verifier: createTokenVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      keys: remoteJwks(config.JWKS_URL),
      sessions: prismaSessionLookup(db),
    }),
    logger,
    subgraphSecret: config.SUBGRAPH_SECRET,
    exposeErrorDetails: config.isDevelopment,
    introspection: !config.isProduction,
  };
  const server = await createServer(deps);
  const workers = startWorkers(deps);
  return {
    server,
    close: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      redis?.disconnect();
      await db.$disconnect();
    },
  };
});
