import { ConfigError, loadConfigOrExit, type Config } from './config';
import { createLogger, type Logger } from './logger';
import type { RunningServer } from './subgraph';

export interface Startable {
  listen(port: number, host?: string): Promise<RunningServer>;
}

/**
 * The thin entry every service shares: parse the environment once, build the server, listen,
 * and on SIGTERM/SIGINT stop accepting, drain, release resources and exit 0. A failure at
 * start exits non-zero with its message.
 */
export function runService(
  name: string,
  defaultPort: number,
  build: (config: Config, logger: Logger) => Promise<{ server: Startable; close(): Promise<void> }>,
): void {
  const config = loadConfigOrExit();
  const logger = createLogger(name, config.LOG_LEVEL);
  (async () => {
    const { server, close } = await build(config, logger);
    const running = await server.listen(config.PORT ?? defaultPort, config.HOST);
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      try {
        await running.stop();
        await close();
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
