/**
 * `npm run build`: the production tree in dist/, runnable with plain `node` and the production
 * dependencies (`npm ci --omit=dev`):
 *
 *   1. removes dist/ (no stale output of deleted files);
 *   2. compiles the runtime code with `tsc -p tsconfig.build.json` (dist/ mirrors the repository:
 *      dist/gateway/src/index.js, dist/subgraphs/<name>/src/index.js, dist/prisma/tools/migrate.js;
 *      the generated Prisma client, TypeScript under prisma/generated/, is compiled with it);
 *   3. copies what the compiled code reads at run time, at the same place relative to it:
 *      schema/*.graphql (each subgraph's SDL, read by shared/schema.ts; the supergraph),
 *      prisma/schema/ and prisma/migrations/ (read by the migration job through
 *      prisma/tools/paths.ts), gateway/dashboard/ (the page the gateway serves at /dashboard).
 *
 * Then, from the repository root: `node dist/subgraphs/users/src/index.js`. The gateway's
 * SUPERGRAPH_PATH default (`schema/supergraph.graphql`) is relative to the working directory:
 * the root's copy when run from the root, dist/'s in the image (the Dockerfile sets it).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** Non-code files the compiled code reads, relative to the root (copied to the same place under dist/). */
export const RUNTIME_ASSETS = ['schema', 'prisma/schema', 'prisma/migrations', 'gateway/dashboard'];

function main(): void {
  if (!existsSync(path.join(ROOT, 'prisma', 'generated', 'prisma', 'client.ts'))) {
    console.error('build: the Prisma client is not generated: run `npm run prisma:generate` first');
    process.exit(1);
  }
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  for (const asset of RUNTIME_ASSETS) {
    cpSync(path.join(ROOT, asset), path.join(DIST, asset), {
      recursive: true,
      filter: (source) => !source.endsWith('.ts'),
    });
  }
  console.log(`build: dist/ ready (compiled code + ${RUNTIME_ASSETS.join(', ')})`);
}

main();
