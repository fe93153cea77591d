import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { ConfigError, loadConfig } from '../../shared/config';
import { routingUrlFor, subgraphEndpoints } from '../src/subgraphs';

/** The gateway's list of subgraphs: the supergraph's, with the `SUBGRAPH_<NAME>_URL` overrides of the registry. */
const sdl = (type: string) =>
  parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { ${type}: String }`);
const composed = composeServices([
  { name: 'users', url: 'http://localhost:4001/graphql', typeDefs: sdl('me') },
  { name: 'tickets', url: 'http://localhost:4002/graphql', typeDefs: sdl('events') },
]);
if (!composed.supergraphSdl) throw new Error('the test supergraph does not compose');
const supergraph = composed.supergraphSdl;

test('every subgraph of the supergraph, at its routing URL unless overridden', () => {
  const config = loadConfig({ NODE_ENV: 'test', SUBGRAPH_TICKETS_URL: 'http://tickets:4002/graphql' });
  expect(subgraphEndpoints(supergraph, config)).toEqual([
    { name: 'tickets', url: 'http://tickets:4002/graphql' },
    { name: 'users', url: 'http://localhost:4001/graphql' },
  ]);
});

test('a subgraph the registry does not know keeps the routing URL of the supergraph', () => {
  const config = loadConfig({ NODE_ENV: 'test', SUBGRAPH_ALPHA_URL: 'http://elsewhere/graphql' });
  expect(routingUrlFor(config, { name: 'alpha', url: 'http://alpha/graphql' })).toBe('http://alpha/graphql');
});

test('a malformed override stops the process with the variable named', () => {
  expect(() => loadConfig({ NODE_ENV: 'test', SUBGRAPH_ORDERS_URL: 'orders:4003' })).toThrow(ConfigError);
  expect(() => loadConfig({ NODE_ENV: 'test', SUBGRAPH_ORDERS_URL: 'orders:4003' })).toThrow(/SUBGRAPH_ORDERS_URL/);
});
