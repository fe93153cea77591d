/**
 * The stock gateway of `npm run bench -- gateway`: `@apollo/gateway` and `@apollo/server` with
 * nothing added (no limits, logging, metrics, credential or client of our own), on the same
 * supergraph. It forwards the client's `Authorization` header, which the subgraphs verify
 * themselves outside production (shared/auth: a user token, not the gateway's credential).
 *
 * `tsx bench/gateway-stock.ts <port> <supergraph path>`; serves `/graphql` until killed.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

interface Context {
  authorization?: string;
}

async function main(): Promise<void> {
  const [port, supergraphPath] = process.argv.slice(2);
  if (!port || !supergraphPath) throw new Error('usage: gateway-stock.ts <port> <supergraph path>');
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  const server = new ApolloServer<Context>({ gateway });
  await startStandaloneServer(server, {
    listen: { port: Number(port), host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
