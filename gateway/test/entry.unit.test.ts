/**
 * The gateway process loads no Prisma. It reads Postgres through a bare pool (shared/pg.ts):
 * Prisma's client, its query compiler and their compiled code were most of the gateway's live
 * heap, for three queries it does not need Prisma for. One import of shared/db (or of a shared
 * module that imports it) anywhere in the gateway's graph would bring them all back, which lint
 * cannot see through; so this runs the real entry in a process of its own: it loads its whole
 * static import graph, then stops at its config check (an invalid PORT) before it opens
 * anything, and says which modules it loaded.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const PRISMA = /[\\/](@prisma[\\/]|prisma[\\/]generated[\\/])/;

function modulesLoadedBy(entry: string): { status: number | null; modules: string[]; stderr: string } {
  const probe = [
    "process.on('exit', () => require('node:fs').writeSync(1, JSON.stringify(Object.keys(require.cache))));",
    `require(${JSON.stringify(path.join(ROOT, entry))});`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], {
    cwd: ROOT,
    env: { PORT: 'not-a-port' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, modules: JSON.parse(run.stdout || '[]') as string[], stderr: run.stderr };
}

test('the gateway entry loads its graph without any Prisma module', () => {
  const { status, modules, stderr } = modulesLoadedBy('gateway/src/index.ts');
  expect(stderr).toMatch(/PORT/);
  expect(status).toBe(78);
  expect(modules).toContain(path.join(ROOT, 'gateway/src/server.ts'));
  expect(modules).toContain(path.join(ROOT, 'shared/auth/sessions.ts'));
  expect(modules.filter((m) => PRISMA.test(m))).toEqual([]);
}, 120_000);

test('the same probe sees Prisma in a subgraph entry', () => {
  const { status, modules } = modulesLoadedBy('subgraphs/tickets/src/index.ts');
  expect(status).toBe(78);
  expect(modules).toContain(path.join(ROOT, 'prisma/generated/prisma/client.ts'));
}, 120_000);
