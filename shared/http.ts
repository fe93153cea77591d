import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';

export interface RunningServer {
  /** The GraphQL endpoint, e.g. `http://localhost:4001/graphql`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Listens on `port` (0 picks a free one) and reports the GraphQL URL. `stop` is the server's
 * own shutdown (Apollo's, which drains this HTTP server through its drain plugin).
 */
export async function listenHttp(
  httpServer: http.Server,
  options: { port: number; host?: string; logger: Logger; stop(): Promise<void>; fields?: Record<string, unknown> },
): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost';
  const url = `http://${host}:${port}/graphql`;
  options.logger.info('listening', { url, ...options.fields });
  return { url, port, stop: options.stop };
}
