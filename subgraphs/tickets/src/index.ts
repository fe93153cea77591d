import Redis from 'ioredis';
import { remoteJwks } from '../../../shared/auth/jwks';
import { prismaSessionLookup } from '../../../shared/auth/sessions';
import { createTokenVerifier } from '../../../shared/auth/tokens';
import { requireDatabaseUrl } from '../../../shared/config';
import { createPrisma } from '../../../shared/db';
import { runService } from '../../../shared/service';
import { loadQrSigningKeys } from './domain/qr';
import { createServer } from './server';
import { startWorkers } from './workers';

runService('tickets', 4002, async (config, logger) => {
  const qrKeys = loadQrSigningKeys({ json: config.QR_SIGNING_KEYS, file: config.QR_SIGNING_KEYS_FILE });
  const db = createPrisma({ databaseUrl: requireDatabaseUrl(config, 'the tickets subgraph'), connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : undefined;
  const deps = {
    db,
    redis,
    eventStream: config.EVENT_STREAM,
    qrKeys,
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
