import path from 'node:path';
import { loadConfigOrExit } from '../../shared/config';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { applyMigrations, createMigration, migrationStatus } from './engine';
import { DATA_DIR } from './paths';

/**
 * Offline Prisma Migrate (see engine.ts):
 *
 *   tsx prisma/tools/migrate.ts deploy         apply pending migrations   (npm run db:migrate)
 *   tsx prisma/tools/migrate.ts create <name>  write a new migration      (npm run db:migrate:create -- <name>)
 *   tsx prisma/tools/migrate.ts status         compare database and migrations directory
 *
 * The database is DATABASE_URL; without it, the embedded Postgres of `npm start` (.data/pg),
 * started for the duration of the command (so not while `npm start` is running).
 */
const USAGE = 'usage: migrate.ts deploy | create <name> | status';
const EMBEDDED_DATABASE = 'ticketing';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  if (command === 'create' && !/^[A-Za-z0-9_]+$/.test(name ?? '')) {
    console.error(`${USAGE}\n  <name>: letters, digits and underscores, e.g. add_tickets`);
    return 64;
  }
  if (command !== 'deploy' && command !== 'create' && command !== 'status') {
    console.error(USAGE);
    return 64;
  }

  const config = loadConfigOrExit();
  let databaseUrl = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const pgServer = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'pg') });
    stopEmbedded = pgServer.stop;
    databaseUrl = withDatabase(pgServer.url, EMBEDDED_DATABASE);
    // Signals would otherwise kill this process and leave Postgres running.
    const onSignal = () => void pgServer.stop().finally(() => process.exit(130));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  }

  try {
    return await COMMANDS[command](databaseUrl, name!);
  } finally {
    await stopEmbedded?.();
  }
}

/** Each subcommand: runs against the database, prints its outcome, returns the exit code. */
const COMMANDS: Record<'deploy' | 'create' | 'status', (databaseUrl: string, name: string) => Promise<number>> = {
  async deploy(databaseUrl) {
    const applied = await applyMigrations(databaseUrl);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
    return 0;
  },
  async create(databaseUrl, name) {
    const created = await createMigration(databaseUrl, name);
    console.log(created ? `created prisma/migrations/${created}/migration.sql` : 'no changes');
    return 0;
  },
  /** Exits 1 when anything needs attention, like `prisma migrate status`. */
  async status(databaseUrl) {
    const status = await migrationStatus(databaseUrl);
    const problems = [
      ...status.failedMigrationNames.map((n) => `failed: ${n}`),
      ...status.editedMigrationNames.map((n) => `edited after being applied: ${n}`),
    ];
    const h = status.history;
    if (h?.diagnostic === 'databaseIsBehind') problems.push(`not yet applied: ${h.unappliedMigrationNames.join(', ')}`);
    if (h?.diagnostic === 'migrationsDirectoryIsBehind')
      problems.push(`applied but missing from prisma/migrations: ${h.unpersistedMigrationNames.join(', ')}`);
    if (h?.diagnostic === 'historiesDiverge')
      problems.push(
        `histories diverge after ${h.lastCommonMigrationName ?? '(start)'}: ` +
          `not applied [${h.unappliedMigrationNames.join(', ')}], ` +
          `missing locally [${h.unpersistedMigrationNames.join(', ')}]`,
      );
    console.log(problems.length ? problems.join('\n') : 'database schema is up to date');
    return problems.length ? 1 : 0;
  },
};

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
