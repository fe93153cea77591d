import { readFileSync } from 'node:fs';
import { loadConfigOrExit, requireDatabaseUrl } from '../../../shared/config';
import { createPrisma } from '../../../shared/db';
import { importFileSchema, importTickets } from '../src/domain/import-service';

/**
 * `npm run support:import -- <file.json>`: loads tickets exported from another help desk into
 * DATABASE_URL (format: `importFileSchema`). Safe to run again: nothing is duplicated.
 */
async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run support:import -- <file.json>');
    return 64;
  }
  const config = loadConfigOrExit();
  const parsed = importFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'));
    return 65;
  }
  const db = createPrisma({
    databaseUrl: requireDatabaseUrl(config, 'support:import'),
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
  });
  try {
    const r = await importTickets(db, parsed.data);
    console.log(
      `tickets created ${r.ticketsCreated}, already present ${r.ticketsSkipped}; messages created ${r.messagesCreated}`,
    );
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
