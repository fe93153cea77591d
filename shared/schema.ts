import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The SDL of a subgraph, `schema/<name>.graphql`: the source of truth for its schema. */
export function readSubgraphSdl(name: string): string {
  return readFileSync(path.join(__dirname, '..', 'schema', `${name}.graphql`), 'utf8');
}
