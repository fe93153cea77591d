import { randomBytes } from 'node:crypto';
import { ENV_SERVER_URL, ENV_TEMPLATE, databaseUrl, withClient } from '../postgres';

/** A Postgres server holding a migrated template database to clone. */
export interface TemplateServer {
  serverUrl: string;
  template: string;
}

export interface TestDatabase {
  /** postgres:// URL of a fresh database with every migration applied and no rows. */
  url: string;
  /** Drops the database. Disconnect your clients first (a lingering one is cut off). */
  drop(): Promise<void>;
}

/**
 * A database of its own, cloned from the migrated template globalSetup built: cheap (a file
 * copy on the server), so give each test file (or each test needing a clean slate) one, and
 * files run in parallel without seeing each other's rows.
 *
 *   const testDb = await createTestDatabase();
 *   const db = createPrisma({ databaseUrl: testDb.url, connectTimeoutMs: 5000 });
 *   afterAll(async () => { await db.$disconnect(); await testDb.drop(); });
 *
 * `on` names another server and its template (a test that stops and starts a Postgres of its
 * own, built with globalSetup's `ensureTemplate`).
 */
export async function createTestDatabase(on?: TemplateServer): Promise<TestDatabase> {
  const serverUrl = on?.serverUrl ?? process.env[ENV_SERVER_URL];
  const template = on?.template ?? process.env[ENV_TEMPLATE];
  if (!serverUrl || !template) {
    throw new Error('createTestDatabase: no template database; run the tests through jest (test/globalSetup.ts)');
  }
  const name = `test_${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, async (c) => {
    // CREATE DATABASE ... TEMPLATE fails while anything else is connected to the template,
    // including another worker's clone in progress: retry with backoff.
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)} TEMPLATE ${c.escapeIdentifier(template)}`);
        return;
      } catch (err) {
        const busy = (err as { code?: string }).code === '55006'; // "source database is being accessed by other users"
        if (!busy || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, Math.min(20 * attempt, 200) + Math.random() * 20));
      }
    }
  });
  let dropped: Promise<void> | undefined;
  return {
    url: databaseUrl(serverUrl, name),
    drop: () =>
      (dropped ??= withClient(serverUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      })),
  };
}
