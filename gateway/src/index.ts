/**
 * The gateway process: `tsx gateway/src/index.ts`. Reads the environment once, connects to
 * Postgres (token sessions, readiness), serves on `PORT` (default 4000) and shuts down cleanly
 * on SIGTERM/SIGINT.
 */
import { remoteJwks } from '../../shared/auth/jwks';
import { prismaSessionLookup } from '../../shared/auth/sessions';
import { createTokenVerifier } from '../../shared/auth/tokens';
import { ConfigError, loadConfigOrExit } from '../../shared/config';
import { createPrisma } from '../../shared/db';
import { createLogger } from '../../shared/logger';
import { createGateway } from './server';

const DEFAULT_PORT = 4000;
/** Exit status for a configuration error (EX_CONFIG), as `loadConfigOrExit` uses. */
const EX_CONFIG = 78;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  if (!config.DATABASE_URL) {
    // Embedded mode (`npm start`) fills it in; a gateway started on its own must be told.
    throw new ConfigError('Invalid environment:\n  DATABASE_URL: required (the gateway checks token sessions in Postgres)');
  }

  const db = createPrisma({ databaseUrl: config.DATABASE_URL, connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
  const verifier = createTokenVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    keys: remoteJwks(config.JWKS_URL),
    sessions: prismaSessionLookup(db),
  });

  let running;
  try {
    const gateway = await createGateway({ config, db, verifier, logger });
    running = await gateway.listen(config.PORT ?? DEFAULT_PORT, config.HOST);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    // A second signal while draining is ignored; the orchestrator's kill timeout is the backstop.
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    try {
      await running.stop();
      await db.$disconnect();
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', { error: (err as Error).message });
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(EX_CONFIG);
  }
  console.error(err);
  process.exit(1);
});
