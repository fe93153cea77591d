import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../prisma/tools/engine';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../scripts/embedded-postgres';
import { ENV_REDIS_URL, probeRedis } from './helpers/redis';
import { ENV_SERVER_URL, ENV_TEMPLATE, databaseUrl, templateName, withClient } from './postgres';

/**
 * Chooses the Postgres server for the run and makes sure the migrated template exists.
 *
 * Server: DATABASE_URL if set (its database is used only to connect; the role needs
 * CREATEDB); else 127.0.0.1:5432 (user postgres, trust auth) if it answers; else, or with
 * TEST_EMBEDDED_POSTGRES=1, an embedded Postgres in a temporary directory, stopped and
 * removed by globalTeardown.
 *
 * Template: built under a temporary name and renamed when complete, so a run that died
 * half-way never leaves a template that looks usable; templates of other migration states
 * are dropped (best effort: one still being cloned by a concurrent run is left alone).
 */
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface HarnessState {
  embedded?: { server: EmbeddedPostgres; dir: string };
}
/** globalSetup and globalTeardown run in the same process; this carries what teardown stops. */
export const harness: HarnessState = ((globalThis as { __testHarness?: HarnessState }).__testHarness ??= {});

export default async function globalSetup(): Promise<void> {
  const serverUrl = await chooseServer();
  const template = await templateName();
  await ensureTemplate(serverUrl, template);
  process.env[ENV_SERVER_URL] = serverUrl;
  process.env[ENV_TEMPLATE] = template;
  // Probed once per run, so test files can decide at load time (jest registers tests
  // synchronously) whether their Redis tests run or are reported as skipped.
  process.env[ENV_REDIS_URL] = (await probeRedis()) ?? '';
}

async function chooseServer(): Promise<string> {
  if (process.env.TEST_EMBEDDED_POSTGRES !== '1') {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
    if (await reachable(LOCAL_SERVER)) return LOCAL_SERVER;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'test-pg-'));
  // mkdtemp makes the directory 0700; when running as root, Postgres runs as another user
  // that must be able to reach the data directory inside it.
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  harness.embedded = { server, dir };
  console.log(`\n[test] embedded Postgres on port ${server.port}`);
  return server.url;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensureTemplate(serverUrl: string, template: string): Promise<void> {
  const existing = await withClient(serverUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'test\\_template\\_%'",
    );
    return rows.map((r) => r.datname);
  });
  for (const stale of existing.filter((name) => name !== template)) {
    await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(stale)}`)).catch(
      () => undefined,
    );
  }
  if (existing.includes(template)) return;

  const building = `${template}_${process.pid}`.slice(0, 63);
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(building)}`);
    await c.query(`CREATE DATABASE ${c.escapeIdentifier(building)}`);
  });
  await applyMigrations(databaseUrl(serverUrl, building));
  await withClient(serverUrl, async (c) => {
    try {
      await c.query(`ALTER DATABASE ${c.escapeIdentifier(building)} RENAME TO ${c.escapeIdentifier(template)}`);
    } catch (err) {
      // 42P04: a concurrent run finished the same template first; use theirs.
      if ((err as { code?: string }).code !== '42P04') throw err;
      await c.query(`DROP DATABASE ${c.escapeIdentifier(building)}`);
    }
  });
}
