import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph, renderSupergraphFile, supergraphPathFor } from '../scripts/compose';

const ROOT = path.resolve(__dirname, '..');
const ROVER = path.join(ROOT, 'rover.yaml');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** A second subgraph claiming `User.email` with another type and without @shareable. */
const CONFLICTING_TICKETS = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type User @key(fields: "id") {
  id: ID!
  email: Int!
}

type Query {
  ticketCount: Int!
}
`;

const UNKNOWN_DIRECTIVE_TICKETS = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type Query {
  ticket(id: ID! @notADirective): Int
}
`;

describe('supergraph composition', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A rover config with the real users subgraph plus a `tickets` subgraph with this SDL. */
  function writeConfigWithTickets(ticketsSdl: string): string {
    writeFileSync(path.join(dir, 'tickets.graphql'), ticketsSdl);
    const config = path.join(dir, 'rover.yaml');
    writeFileSync(
      config,
      [
        'federation_version: =2.14.4',
        'subgraphs:',
        '  users:',
        '    routing_url: http://localhost:4001/graphql',
        `    schema: { file: ${JSON.stringify(path.join(ROOT, 'schema', 'users.graphql'))} }`,
        '  tickets:',
        '    routing_url: http://localhost:4002/graphql',
        '    schema: { file: ./tickets.graphql }',
        '',
      ].join('\n'),
    );
    return config;
  }

  function runCheck(config: string) {
    const run = spawnSync(TSX, ['scripts/compose.ts', '--check', '--config', config], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.error) throw run.error;
    return run;
  }

  it('committed schema/supergraph.graphql is what composition yields', () => {
    const result = composeSupergraph(ROVER);
    if ('errors' in result) throw new Error(result.errors.join('\n'));
    expect(readFileSync(supergraphPathFor(ROVER), 'utf8')).toBe(renderSupergraphFile(result.supergraphSdl));
  });

  it('compose:check names the subgraphs and field of a type conflict', () => {
    const run = runCheck(writeConfigWithTickets(CONFLICTING_TICKETS));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Composition failed');
    expect(run.stderr).toMatch(
      /tickets: User\.email \(\d+:\d+\); users: User\.email \(\d+:\d+\) — FIELD_TYPE_MISMATCH: Type of field "User\.email" is incompatible/,
    );
    expect(run.stderr).toMatch(/— INVALID_FIELD_SHARING: Non-shareable field "User\.email"/);
  }, 60_000);

  it('compose:check names the subgraph and argument carrying an unknown directive', () => {
    const run = runCheck(writeConfigWithTickets(UNKNOWN_DIRECTIVE_TICKETS));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /tickets: Query\.ticket\(id:\) \(5:18\) — INVALID_GRAPHQL: .*Unknown directive "@notADirective"/,
    );
  }, 60_000);

  it('compose:check reports a supergraph that is missing or stale', () => {
    const config = writeConfigWithTickets('type Query { ticketCount: Int! }\n');
    const missing = runCheck(config);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('missing: run npm run compose');

    mkdirSync(path.join(dir, 'schema'));
    writeFileSync(supergraphPathFor(config), '# an old supergraph\n');
    const stale = runCheck(config);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('stale: run npm run compose');
  }, 60_000);

  it('overrides replace a subgraph SDL and routing URL', () => {
    const broken = composeSupergraph(ROVER, { overrides: { users: { sdl: 'type Query { x: In' } } });
    expect(broken).toEqual({
      errors: [expect.stringMatching(/^users: \(1:19\) — GRAPHQL_PARSE_FAILED: Syntax Error/)],
    });

    const moved = composeSupergraph(ROVER, { overrides: { users: { routingUrl: 'http://users:4001/graphql' } } });
    expect('supergraphSdl' in moved && moved.supergraphSdl).toContain('url: "http://users:4001/graphql"');

    expect(composeSupergraph(ROVER, { overrides: { nope: { sdl: '' } } })).toEqual({
      errors: [expect.stringContaining('nope: override for a subgraph not in')],
    });
  });
});
