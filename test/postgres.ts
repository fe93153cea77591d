import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { pgConfigFromUrl } from '../prisma/tools/engine';
import { MIGRATIONS_DIR } from '../prisma/tools/paths';

/**
 * What globalSetup hands to the test files (jest workers inherit its environment):
 * the server to create databases on, and the migrated template to clone them from.
 */
export const ENV_SERVER_URL = 'TEST_PG_SERVER_URL';
export const ENV_TEMPLATE = 'TEST_PG_TEMPLATE';

/** Same server, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Runs `fn` on a short-lived connection to `url`. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...pgConfigFromUrl(url), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Template name from a hash of every migration file, so an unchanged migrations directory
 * reuses the template of an earlier run and any edit or new migration gets a fresh one.
 */
export async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    hash.update(dir).update('\0');
    hash.update(await readFile(path.join(MIGRATIONS_DIR, dir, 'migration.sql'))).update('\0');
  }
  return `test_template_${hash.digest('hex').slice(0, 16)}`;
}
