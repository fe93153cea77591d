import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateStoredKey, type KeyType } from '../shared/auth/keys';
import { loadConfigOrExit } from '../shared/config';
import { createPrisma } from '../shared/db';
import { GATEWAY, SUBGRAPHS, jwksUrl, needs, type ServiceDefinition } from '../shared/services';
import { applyMigrations } from '../prisma/tools/engine';
import { DATA_DIR, ROOT_DIR } from '../prisma/tools/paths';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoData } from '../prisma/seed';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

/**
 * `npm start`: the whole platform on localhost.
 *
 * - No DATABASE_URL: embedded Postgres in .data/pg (initdb on first start), database
 *   `ticketing`, migrated and seeded with demo accounts on first run.
 * - DATABASE_URL set: that database, migrated; seeded only when NODE_ENV is development.
 * - JWT signing keys: JWT_SIGNING_KEYS / JWT_SIGNING_KEYS_FILE if set, else
 *   .data/keys/jwt-signing-keys.json, generated on first start. Ticket QR signing keys
 *   likewise: QR_SIGNING_KEYS / QR_SIGNING_KEYS_FILE, else .data/keys/qr-signing-keys.json.
 * - Each subgraph of the registry (shared/services.ts), then the gateway, runs as its own `tsx`
 *   child process in its own process group, on its registered port; the gateway starts once
 *   every subgraph answers GET /health with 200.
 * - Ctrl-C / SIGTERM: children get SIGTERM (SIGKILL after 10 s), then Postgres stops.
 *   Note: Ctrl-C in a terminal also reaches the embedded Postgres directly (it shares this
 *   process group), so it may begin its fast shutdown at the same time; nothing is orphaned.
 *
 * This file and the test harness are the only places besides shared/config.ts that read
 * process.env: it builds the children's environment.
 */

const PG_DATA_DIR = path.join(DATA_DIR, 'pg');
const EMBEDDED_DATABASE = 'ticketing';
const JWT_KEYS_FILE = path.join(DATA_DIR, 'keys', 'jwt-signing-keys.json');
const QR_KEYS_FILE = path.join(DATA_DIR, 'keys', 'qr-signing-keys.json');
const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_TAIL_LINES = 60;

interface Child {
  service: ServiceDefinition;
  process: ChildProcess;
  exited: Promise<number | null>;
  /** Last lines of output, printed if the child dies during start. */
  tail: string[];
}

const children: Child[] = [];
let embedded: EmbeddedPostgres | undefined;
let stopping: Promise<void> | undefined;

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfigOrExit();
  // `on`, not `once`: Ctrl-C reaches us twice (from the terminal and again from npm), and a
  // second signal must not kill this process half-way through stopping the children.
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));
  // Last resort if this process dies another way: no child outlives it.
  process.on('exit', () => children.forEach((child) => signalGroup(child, 'SIGKILL')));

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    log(`starting embedded Postgres (${path.relative(ROOT_DIR, PG_DATA_DIR)})`);
    embedded = await startEmbeddedPostgres({ dataDir: PG_DATA_DIR });
    const url = new URL(embedded.url);
    url.pathname = `/${EMBEDDED_DATABASE}`;
    databaseUrl = url.toString();
  }

  const applied = await applyMigrations(databaseUrl);
  log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  const demo = !config.DATABASE_URL || config.isDevelopment;
  if (demo) {
    const db = createPrisma({ databaseUrl, connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS, poolMax: 2 });
    try {
      if (await seedDemoData(db)) log('seeded demo data');
    } finally {
      await db.$disconnect();
    }
  }

  const jwtKeysFile =
    config.JWT_SIGNING_KEYS || config.JWT_SIGNING_KEYS_FILE
      ? undefined
      : await ensureKeyFile(JWT_KEYS_FILE, 'rsa', 'JWT signing keys');
  const qrKeysFile =
    config.QR_SIGNING_KEYS || config.QR_SIGNING_KEYS_FILE
      ? undefined
      : await ensureKeyFile(QR_KEYS_FILE, 'ed25519', 'QR signing keys');

  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: config.NODE_ENV,
    DATABASE_URL: databaseUrl,
    JWKS_URL: jwksUrl(),
  };
  for (const service of SUBGRAPHS) {
    const env: NodeJS.ProcessEnv = { ...baseEnv, PORT: String(service.port) };
    if (needs(service, 'jwtSigningKeys') && jwtKeysFile) env.JWT_SIGNING_KEYS_FILE = jwtKeysFile;
    if (needs(service, 'qrSigningKeys') && qrKeysFile) env.QR_SIGNING_KEYS_FILE = qrKeysFile;
    await startService(service, env);
  }
  await startService(GATEWAY, { ...baseEnv, PORT: String(GATEWAY.port) });

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const url = `http://localhost:${GATEWAY.port}/graphql`;
  console.log(
    [
      '',
      `  GraphQL gateway   ${url}`,
      `  Apollo Sandbox    ${url}   (open it in a browser)`,
      ...(demo
        ? [
            '',
            `  Demo accounts (password "${DEMO_PASSWORD}"):`,
            ...DEMO_ACCOUNTS.map((a) => `    ${a.role.padEnd(10)} ${a.email}`),
          ]
        : []),
      '',
      `  Ready in ${seconds} s. Ctrl-C stops everything.`,
      '',
    ].join('\n'),
  );
}

/**
 * A key file in the stored format (`[{ kid, privateKeyPem }]`, mode 0600), created with one
 * fresh key of `type` on first start and left alone afterwards.
 */
async function ensureKeyFile(file: string, type: KeyType, label: string): Promise<string> {
  if (existsSync(file)) return file;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // 'wx': never overwrite keys another start wrote meanwhile (tokens or QR codes signed with them).
  await writeFile(file, JSON.stringify([generateStoredKey(type)], null, 2) + '\n', {
    mode: 0o600,
    flag: 'wx',
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  log(`generated ${label} (${path.relative(ROOT_DIR, file)})`);
  return file;
}

/** Spawns the service and resolves once its GET /health answers 200; throws if it dies first. */
async function startService(service: ServiceDefinition, env: NodeJS.ProcessEnv): Promise<void> {
  log(`starting ${service.name} on port ${service.port}`);
  const proc = spawn(process.execPath, [require.resolve('tsx/cli'), service.entry], {
    cwd: ROOT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so shutdown can signal tsx and the service process under it.
    detached: true,
  });
  const child: Child = {
    service,
    process: proc,
    tail: [],
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)))),
  };
  children.push(child);
  for (const stream of [proc.stdout, proc.stderr]) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        child.tail.push(line);
        if (child.tail.length > OUTPUT_TAIL_LINES) child.tail.shift();
        process.stdout.write(`[${service.name}] ${line}\n`);
      }
    });
  }
  // A child that exits while we are not stopping takes everything down.
  void child.exited.then((code) => {
    if (stopping) return;
    console.error(
      `\n${service.name} exited (code ${code}). Its last output:\n${child.tail.map((l) => `  | ${l}`).join('\n')}`,
    );
    void shutdown(1);
  });

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (!(await healthy(service.port))) {
    if (stopping) throw new Error(`${service.name} did not start`);
    if (Date.now() > deadline)
      throw new Error(`${service.name} did not answer GET /health within ${HEALTH_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      headers: { connection: 'close' }, // no idle keep-alive socket to delay the service's shutdown
      signal: AbortSignal.timeout(2_000),
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Children first (all at once), then Postgres; then exit with `code`. */
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(children.map(stopChild));
    await embedded?.stop();
    process.exit(code);
  })();
  return stopping;
}

/** Signals a child's whole process group: tsx and the service it runs. */
function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch {
    // already gone
  }
}

async function stopChild(child: Child): Promise<void> {
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
  // tsx may exit before the service it runs: make sure nothing of the group survives.
  signalGroup(child, 'SIGKILL');
}

function log(message: string): void {
  console.log(`[start] ${message}`);
}

main().catch((err: unknown) => {
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
