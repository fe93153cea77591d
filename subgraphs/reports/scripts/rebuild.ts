import { loadConfigOrExit, requireDatabaseUrl } from '../../../shared/config';
import { createPrisma } from '../../../shared/db';
import { rebuildReadModel } from '../src/domain/rebuild';

/**
 * `npm run reports:rebuild`: empties reports' read model in DATABASE_URL and replays every
 * event of the outbox into it (docs/events.md, "reports' read model"). Safe to run again, and
 * while the services run.
 */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const db = createPrisma({
    databaseUrl: requireDatabaseUrl(config, 'reports:rebuild'),
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
  });
  try {
    const started = Date.now();
    const r = await rebuildReadModel(db);
    const seconds = (Date.now() - started) / 1000;
    console.log(`replayed ${r.events} events (${r.applied} applied by reports) in ${seconds.toFixed(1)} s`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
