import Redis from 'ioredis';
import { remoteJwks } from '../../../shared/auth/jwks';
import { prismaSessionLookup } from '../../../shared/auth/sessions';
import { createTokenVerifier } from '../../../shared/auth/tokens';
import { paymentSettings, requireDatabaseUrl } from '../../../shared/config';
import { createPrisma } from '../../../shared/db';
import { runService } from '../../../shared/service';
import { createServer, type OrdersDeps } from './server';
import { startWorkers } from './workers';

runService('orders', 4003, async (config, logger) => {
  const payments = paymentSettings(config);
  const db = createPrisma({ databaseUrl: requireDatabaseUrl(config, 'the orders subgraph'), connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : undefined;
  const deps: OrdersDeps = {
    db,
    redis,
    eventStream: config.EVENT_STREAM,
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
    payments,
  };
  const server = await createServer(deps);
  const workers = startWorkers(deps);
  return {
    server,
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      redis?.disconnect();
      await db.$disconnect();
    },
  };
});
