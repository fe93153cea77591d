import { credentialVerifier, loadCredentialPublicKey } from './auth/credential';
import { remoteJwks, type KeyResolver } from './auth/jwks';
import { postgresSessionLookup } from './auth/sessions';
import { createTokenVerifier } from './auth/tokens';
import { ConfigError, requireDatabaseUrl, type Config } from './config';
import { createPrisma, poolOf } from './db';
import { consumerLag, type Worker } from './events/bus';
import { postgresWakeups } from './events/wakeups';
import { watchService } from './metrics';
import { createRedis } from './redis';
import { runService, type Startable } from './run-service';
import type { SubgraphName } from './services';
import type { SubgraphDeps } from './subgraph';

/**
 * The entry of a subgraph: builds the dependencies every subgraph shares from the config
 * (database, Redis, token verifier, flags), adds the subgraph's own (`extras`, which may throw a
 * ConfigError), starts the server and the process's event workers, and on shutdown stops the
 * workers before releasing Redis and the database.
 */
export function runSubgraph<E extends object>(
  name: SubgraphName,
  options: {
    extras(config: Config): E;
    createServer(deps: SubgraphDeps & E): Promise<Startable>;
    startWorkers?(deps: SubgraphDeps & E): Worker[];
    /** Where this subgraph finds the token keys; default: the users subgraph's JWKS. */
    keys?(extras: E, config: Config): KeyResolver;
  },
): void {
  runService(name, async (config, logger, tracing) => {
    const extras = options.extras(config);
    if (config.isProduction && !config.VIEWER_CREDENTIAL_PUBLIC_KEY) {
      throw new ConfigError('Invalid environment:\n  VIEWER_CREDENTIAL_PUBLIC_KEY: required in production');
    }
    const credentials =
      config.VIEWER_CREDENTIAL_PUBLIC_KEY &&
      credentialVerifier(loadCredentialPublicKey(config.VIEWER_CREDENTIAL_PUBLIC_KEY));
    const databaseUrl = requireDatabaseUrl(config, `the ${name} subgraph`);
    const db = createPrisma({
      databaseUrl,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      poolMax: config.DB_POOL_MAX,
      traced: tracing !== undefined,
    });
    const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, logger) : undefined;
    const deps: SubgraphDeps & E = {
      ...extras,
      db,
      redis,
      eventStream: config.EVENT_STREAM,
      verifier: createTokenVerifier({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        keys: options.keys?.(extras, config) ?? remoteJwks(config.JWKS_URL),
        sessions: postgresSessionLookup(poolOf(db)),
      }),
      credentials: credentials || undefined,
      refuseUserTokens: config.isProduction,
      logger,
      subgraphSecret: config.SUBGRAPH_SECRET,
      exposeErrorDetails: config.isDevelopment,
      introspection: !config.isProduction,
      metrics: { token: config.METRICS_TOKEN, isProduction: config.isProduction },
      tracing,
    };
    const server = await options.createServer(deps);
    // Only a process with workers listens for their wake-ups.
    const wakeups = options.startWorkers && postgresWakeups(databaseUrl, logger);
    const workers = options.startWorkers?.({ ...deps, wakeups }) ?? [];
    const unwatch = watchService({
      service: name,
      pool: poolOf(db),
      consumerLag: () => consumerLag(db, redis, config.EVENT_STREAM),
      logger,
    });
    return {
      server,
      async close() {
        unwatch();
        await Promise.all(workers.map((w) => w.stop()));
        await wakeups?.close();
        redis?.disconnect();
        await db.$disconnect();
      },
    };
  });
}
