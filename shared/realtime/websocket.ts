import type { WebSocketServer } from 'ws';

/** How long closing clients get to answer the close handshake before their sockets are cut. */
const CLOSE_GRACE_MS = 3000;

/**
 * Stops a graphql-ws server: `dispose` (graphql-ws closes every client with 1001 "Going away"
 * and stops accepting), and clients that have not completed the close handshake within
 * `CLOSE_GRACE_MS` are terminated, so a stuck client cannot hold up a shutdown.
 */
export async function closeWebSocketServer(wss: WebSocketServer, dispose: () => void | Promise<void>): Promise<void> {
  const clients = [...wss.clients];
  const timer = setTimeout(() => {
    for (const client of clients) client.terminate();
  }, CLOSE_GRACE_MS);
  try {
    await dispose();
  } finally {
    clearTimeout(timer);
  }
}
