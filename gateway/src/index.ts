import { remoteJwks } from '../../shared/auth/jwks';
import { postgresSessionChanges } from '../../shared/auth/session-changes';
import { postgresSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier } from '../../shared/auth/tokens';
import { requireDatabaseUrl } from '../../shared/config';
import { watchService } from '../../shared/metrics';
import { createPool } from '../../shared/pg';
import { runService } from '../../shared/run-service';
import { createGateway } from './server';

// The gateway process (its port: shared/services.ts). It reads Postgres to check token sessions (the
// one service that does, once per request) and for readiness, and listens there for session changes.
// A bare pool, no Prisma: nothing it imports may load Prisma (gateway/test/entry.unit.test.ts).
runService('gateway', async (config, logger, tracing) => {
  const databaseUrl = requireDatabaseUrl(config, 'the gateway');
  const pool = createPool({
    databaseUrl,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolMax: config.DB_POOL_MAX,
  });
  const verifier = createTokenVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    keys: remoteJwks(config.JWKS_URL),
    sessions: postgresSessionLookup(pool),
  });
  // The pool and the outbox's lag; consumers' lag is reported by the subgraphs that run them.
  const unwatch = watchService({ service: 'gateway', pool, logger });
  const sessionChanges = postgresSessionChanges(databaseUrl, logger);
  const close = async () => {
    unwatch();
    await sessionChanges.close();
    await pool.end();
  };
  try {
    return { server: await createGateway({ config, pool, verifier, sessionChanges, logger, tracing }), close };
  } catch (err) {
    await close();
    throw err;
  }
});
