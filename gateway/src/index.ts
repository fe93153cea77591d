import { remoteJwks } from '../../shared/auth/jwks';
import { postgresSessionChanges } from '../../shared/auth/session-changes';
import { prismaSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier } from '../../shared/auth/tokens';
import { requireDatabaseUrl } from '../../shared/config';
import { createPrisma } from '../../shared/db';
import { watchService } from '../../shared/metrics';
import { runService } from '../../shared/service';
import { createGateway } from './server';

// The gateway process (its port: shared/services.ts). It reads Postgres to check token sessions (the
// one service that does, once per request) and for readiness, and listens there for session changes.
runService('gateway', async (config, logger, tracing) => {
  const databaseUrl = requireDatabaseUrl(config, 'the gateway');
  const db = createPrisma({
    databaseUrl,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolMax: config.DB_POOL_MAX,
    traced: tracing !== undefined,
  });
  const verifier = createTokenVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    keys: remoteJwks(config.JWKS_URL),
    sessions: prismaSessionLookup(db),
  });
  // The pool and the outbox's lag; consumers' lag is reported by the subgraphs that run them.
  const unwatch = watchService({ service: 'gateway', db, logger });
  const sessionChanges = postgresSessionChanges(databaseUrl, logger);
  const close = async () => {
    unwatch();
    await sessionChanges.close();
    await db.$disconnect();
  };
  try {
    return { server: await createGateway({ config, db, verifier, sessionChanges, logger, tracing }), close };
  } catch (err) {
    await close();
    throw err;
  }
});
