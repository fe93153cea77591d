/**
 * Hive Gateway in `npm run bench -- gateway`, with its defaults on the same supergraph; the one
 * setting added forwards the client's `Authorization` header to the subgraphs (Hive forwards no
 * client header unless told), which verify it themselves outside production.
 *
 * `tsx bench/gateway-hive.ts <port> <supergraph path>`; serves `/graphql` until killed.
 */
import { createServer, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';

/** The part of `@graphql-hive/gateway` used here. */
interface HiveGateway {
  createGatewayRuntime(config: {
    supergraph: string;
    propagateHeaders: { fromClientToSubgraphs(payload: { request: Request }): Record<string, string> };
  }): RequestListener;
}

/**
 * Required by a name the compiler does not follow: the package's types reference the DOM lib
 * (through @whatwg-node/fetch), which would retype `fetch` for the whole program. Required, not
 * `import()`ed: that would load its ESM build with graphql's ESM build, a second graphql whose
 * schema objects the CommonJS one refuses ("Unexpected error." on every field).
 */
const HIVE_GATEWAY = '@graphql-hive/gateway';

async function main(): Promise<void> {
  const [port, supergraphPath] = process.argv.slice(2);
  if (!port || !supergraphPath) throw new Error('usage: gateway-hive.ts <port> <supergraph path>');
  const { createGatewayRuntime } = createRequire(__filename)(HIVE_GATEWAY) as HiveGateway;
  const gateway = createGatewayRuntime({
    supergraph: supergraphPath,

    propagateHeaders: {
      fromClientToSubgraphs: ({ request }): Record<string, string> => {
        const authorization = request.headers.get('authorization');
        return authorization ? { authorization } : {};
      },
    },
  });
  const server = createServer(gateway).listen(Number(port), '127.0.0.1');
  // Hive's own SIGTERM handler disposes of the gateway but leaves this server (and the process) up.
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
