import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** The client address of a request (HTTP or a WebSocket upgrade), as the gateway trusts it. */
export type ClientAddress = (req: IncomingMessage) => string;

/**
 * `X-Forwarded-For` is believed only hop by hop from the proxies TRUST_PROXY names (express's
 * `trust proxy` syntax, through the same proxy-addr): the address is the nearest one that is
 * not a trusted proxy. With none configured the gateway is the edge: the socket's peer, whatever
 * a client writes in the header. Subgraphs then get this address from the gateway alone.
 */
export function clientAddressOf(trustProxy: string): ClientAddress {
  const trusted = trustProxy
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!trusted.length) return (req) => req.socket.remoteAddress ?? 'unknown';
  const trust = proxyaddr.compile(trusted);
  return (req) => proxyaddr(req, trust);
}
