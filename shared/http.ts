import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';

export interface RunningServer {
  /** The GraphQL endpoint, e.g. `http://localhost:4001/graphql`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** How long an idle kept-alive connection stays open on our servers. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Listens on `port` (0 picks a free one) and reports the GraphQL URL. `stop` is the server's
 * own shutdown (Apollo's, which drains this HTTP server through its drain plugin).
 */
export async function listenHttp(
  httpServer: http.Server,
  options: { port: number; host?: string; logger: Logger; stop(): Promise<void>; fields?: Record<string, unknown> },
): Promise<RunningServer> {
  // A server must keep an idle kept-alive socket open longer than any client keeps it in its
  // pool: with Node's default (5 s) the server may close a socket just as the gateway reuses it,
  // and the request fails with "socket hang up". Clients drop idle sockets after a few seconds.
  httpServer.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  httpServer.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
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
