// The process entry of every service, the gateway's included: it imports nothing of Prisma, so
// the gateway, which does not use it, never loads it (subgraphs add it in shared/service.ts).
import { ConfigError, loadConfigOrExit, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { serviceNamed, type ServiceName } from './services';
import type { RunningServer } from './http';
import { startTracing, type Tracing } from './tracing';

export interface Startable {
  listen(port: number, host?: string): Promise<RunningServer>;
}

/**
 * The thin entry every service shares: parse the environment once, start tracing when
 * configured (the process's global provider, so libraries' own spans are this service's too),
 * build the server, listen, and on SIGTERM/SIGINT stop accepting, drain, release resources,
 * export the last spans and exit 0. A failure at start exits non-zero with its message.
 */
export function runService(
  name: ServiceName,
  build: (
    config: Config,
    logger: Logger,
    tracing: Tracing | undefined,
  ) => Promise<{ server: Startable; close(): Promise<void> }>,
): void {
  const config = loadConfigOrExit();
  const logger = createLogger(name, config.LOG_LEVEL);
  const tracing = startTracing(config, name, { global: true });
  (async () => {
    const { server, close } = await build(config, logger, tracing);
    const service = serviceNamed(name);
    const host = config.HOST ?? (service.kind === 'subgraph' && !config.isProduction ? '127.0.0.1' : '0.0.0.0');
    const running = await server.listen(config.PORT ?? service.port, host);
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      try {
        await running.stop();
        await close();
        await tracing?.shutdown();
      } finally {
        process.exit(0);
      }
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
  })().catch((err: Error) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG, as loadConfigOrExit
    }
    logger.error('failed to start', { error: err.message });
    process.exit(1);
  });
}
