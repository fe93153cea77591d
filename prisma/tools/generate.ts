import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ROOT_DIR } from './paths';

/**
 * `prisma generate`, offline. The Prisma 7 CLI insists on locating (and, failing that,
 * downloading) its native schema-engine binary before it runs any command, although client
 * generation itself is WebAssembly and never executes that binary. Pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing executable (here: this Node binary) satisfies the
 * check without network access. Migrations do not use the binary either: see engine.ts.
 *
 * Runs from `postinstall` and `npm run prisma:generate`; output goes to prisma/generated/.
 */
function main(): never {
  const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: engine && existsSync(engine) ? engine : process.execPath,
    // No telemetry or update checks: they would only time out without network.
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  const cli = require.resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
    cwd: ROOT_DIR,
    env,
    stdio: 'inherit',
  });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}

main();
