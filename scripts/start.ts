import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateCredentialKeys } from '../shared/auth/credential';
import { generateStoredKey, type KeyType } from '../shared/auth/keys';
import { loadConfigOrExit } from '../shared/config';
import { createPrisma } from '../shared/db';
import { startMailbox, type Mailbox } from '../shared/mail/mailbox';
import { GATEWAY, SERVICES, SUBGRAPHS, jwksUrl, needs, type ServiceDefinition } from '../shared/services';
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
 * - SUBGRAPH_SECRET if set, else a random one per run: subgraphs answer only the gateway, and
 *   listen on loopback (HOST unset); the gateway listens on every interface.
 * - VIEWER_CREDENTIAL_SIGNING_KEY and _PUBLIC_KEY if both set, else a pair per run: the gateway
 *   gets the signing key, every subgraph the public one (shared/auth/credential.ts).
 * - No SMTP_URL (and not production): a development mailbox (shared/mail/mailbox.ts), a real
 *   SMTP server on localhost storing every mail in MAILBOX_DIR, which notifications sends to
 *   and the gateway's `/dev/mailbox` lists.
 * - Every service of the registry (shared/services.ts) runs as its own `node --import tsx` child
 *   (one process per service: the tsx loader in the service's own process, no tsx CLI in front),
 *   in its own process group, on its registered port. They start in parallel: nothing must come
 *   first at start (the gateway serves the committed supergraph file, and every service fetches
 *   the users subgraph's JWKS lazily, on the first token it verifies). Ready is when every
 *   subgraph answers GET /health and the gateway answers GET /ready (Postgres and every
 *   subgraph answer through it).
 * - "Ready in" counts from the start of the outermost `npm start` / tsx process (its start time
 *   in /proc), so npm's and tsx's own boot are included.
 * - A service that exits while we are not stopping is restarted after a backoff (1 s doubling
 *   to 30 s, back to 1 s once it has run for a minute), and the console says so; a
 *   configuration error (exit 78) is not retried: it stops everything with its message.
 * - Ctrl-C / SIGTERM: children get SIGTERM (SIGKILL after 10 s), which stops their workers
 *   before their database connections, then Postgres stops. From then on the children's output
 *   is not printed (a terminal's Ctrl-C also reaches the embedded Postgres directly, which shares
 *   this process group, so a worker may see its connection end while it drains).
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
/** Restart backoff: first wait, cap, and how long a run must last to reset it. */
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const RESTART_RESET_AFTER_MS = 60_000;
/** The exit code of a configuration error (shared/config.ts): restarting cannot fix it. */
const EX_CONFIG = 78;

interface Child {
  service: ServiceDefinition;
  env: NodeJS.ProcessEnv;
  process: ChildProcess;
  /** Resolves with the exit code, or 128 + signal number when a signal ended it. */
  exited: Promise<number | null>;
  /** How it ended, for the console: `code 1`, `signal SIGKILL`. */
  exitReason?: string;
  startedAt: number;
  /** Last lines of output, printed when the child dies. */
  tail: string[];
  /** The next restart's wait. */
  backoffMs: number;
}

/** The current process of each service (replaced on restart). */
const children = new Map<string, Child>();
let embedded: EmbeddedPostgres | undefined;
let mailbox: Mailbox | undefined;
let stopping: Promise<void> | undefined;

async function main(): Promise<void> {
  const started = launchTime();
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
    assertTraversableByPostgres(PG_DATA_DIR);
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

  const mailboxDir = path.resolve(ROOT_DIR, config.MAILBOX_DIR);
  if (!config.SMTP_URL && !config.isProduction) {
    mailbox = await startMailbox({ dir: mailboxDir });
    log(`development mailbox on ${mailbox.url} (${path.relative(ROOT_DIR, mailboxDir)})`);
  }

  // A pair of this run's own unless both halves are configured: the gateway alone signs.
  const credentialKeys =
    config.VIEWER_CREDENTIAL_SIGNING_KEY && config.VIEWER_CREDENTIAL_PUBLIC_KEY
      ? { signingKey: config.VIEWER_CREDENTIAL_SIGNING_KEY, publicKey: config.VIEWER_CREDENTIAL_PUBLIC_KEY }
      : generateCredentialKeys();
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: config.NODE_ENV,
    DATABASE_URL: databaseUrl,
    JWKS_URL: jwksUrl(),
    // A secret of this run's own unless one is configured: subgraphs then answer the gateway
    // alone, and believe the client addresses it forwards (for per-address limits).
    SUBGRAPH_SECRET: config.SUBGRAPH_SECRET ?? randomBytes(32).toString('base64url'),
    VIEWER_CREDENTIAL_PUBLIC_KEY: credentialKeys.publicKey,
    MAILBOX_DIR: mailboxDir,
  };
  delete baseEnv.VIEWER_CREDENTIAL_SIGNING_KEY;
  log(`starting ${SERVICES.map((s) => `${s.name} :${s.port}`).join(', ')}`);
  for (const service of SERVICES) {
    const env: NodeJS.ProcessEnv = { ...baseEnv, PORT: String(service.port) };
    if (needs(service, 'jwtSigningKeys') && jwtKeysFile) env.JWT_SIGNING_KEYS_FILE = jwtKeysFile;
    if (needs(service, 'qrSigningKeys') && qrKeysFile) env.QR_SIGNING_KEYS_FILE = qrKeysFile;
    if (needs(service, 'mailSettings') && mailbox) env.SMTP_URL = mailbox.url;
    if (needs(service, 'viewerCredentialKey')) env.VIEWER_CREDENTIAL_SIGNING_KEY = credentialKeys.signingKey;
    spawnService(service, env, RESTART_FIRST_MS);
  }
  await Promise.all(SUBGRAPHS.map((service) => untilAnswers(service, '/health')));
  await untilAnswers(GATEWAY, '/ready');

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const url = `http://localhost:${GATEWAY.port}/graphql`;
  console.log(
    [
      '',
      `  GraphQL gateway   ${url}`,
      `  Apollo Sandbox    ${url}   (open it in a browser)`,
      ...(mailbox ? [`  Mailbox           http://localhost:${GATEWAY.port}/dev/mailbox   (every mail sent)`] : []),
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

/**
 * Spawns the service (`node --import tsx <entry>`), prints its output prefixed with its name,
 * and restarts it with backoff when it exits while we are not stopping.
 */
function spawnService(service: ServiceDefinition, env: NodeJS.ProcessEnv, backoffMs: number): void {
  const proc = spawn(process.execPath, ['--import', 'tsx', service.entry], {
    cwd: ROOT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only us, and we stop it in order.
    detached: true,
  });
  const child: Child = {
    service,
    env,
    process: proc,
    startedAt: Date.now(),
    tail: [],
    backoffMs,
    exited: new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        child.exitReason = signal ? `signal ${signal}` : `code ${code}`;
        resolve(code ?? (signal ? 128 + os.constants.signals[signal] : null));
      }),
    ),
  };
  children.set(service.name, child);
  for (const stream of [proc.stdout, proc.stderr]) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        child.tail.push(line);
        if (child.tail.length > OUTPUT_TAIL_LINES) child.tail.shift();
        // Once stopping, silence: what a service says while the stack goes down is noise.
        if (!stopping) process.stdout.write(`[${service.name}] ${line}\n`);
      }
    });
  }
  void child.exited.then((code) => {
    if (stopping) return;
    const tail = child.tail.slice(-15).map((l) => `  | ${l}`);
    if (code === EX_CONFIG) {
      console.error(`\n${service.name} stopped on a configuration error (exit ${code}):\n${tail.join('\n')}`);
      void shutdown(1);
      return;
    }
    // A run that lasted resets the backoff: this is a new crash, not a crash loop.
    const wait = Date.now() - child.startedAt >= RESTART_RESET_AFTER_MS ? RESTART_FIRST_MS : child.backoffMs;
    console.error(
      `\n[start] ${service.name} exited (${child.exitReason}); restarting it in ${wait / 1000} s. Its last output:\n${tail.join('\n')}`,
    );
    setTimeout(() => {
      if (stopping) return;
      log(`restarting ${service.name}`);
      spawnService(service, env, Math.min(wait * 2, RESTART_MAX_MS));
      void untilAnswers(service, '/health', Infinity).then(
        () => log(`${service.name} is back`),
        () => undefined,
      );
    }, wait).unref();
  });
}

/** Resolves once `GET <route>` of the service answers 200 (across restarts); throws past the deadline. */
async function untilAnswers(service: ServiceDefinition, route: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(service.port, route))) {
    if (stopping) throw new Error(`${service.name} did not start`);
    if (Date.now() > deadline)
      throw new Error(`${service.name} did not answer GET ${route} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function answers(port: number, route: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${route}`, {
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
    if (code !== 1) log('stopping');
    await Promise.all([...children.values()].map(stopChild));
    await mailbox?.stop();
    await embedded?.stop();
    process.exit(code);
  })();
  return stopping;
}

/** Signals a child's whole process group. */
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
  // Nothing the service started may outlive it.
  signalGroup(child, 'SIGKILL');
}

/**
 * When the user started us: the start time of the outermost process of this `npm start`
 * (npm, then tsx's CLI, then this process), from /proc; this process's own start elsewhere.
 */
function launchTime(): number {
  const fallback = performance.timeOrigin;
  try {
    const ticksPerSecond = 100; // USER_HZ: 100 on every Linux ABI Node supports
    const bootMs = Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    const startOf = (pid: number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) in parentheses: state is field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), startMs: bootMs + (Number(fields[19]) / ticksPerSecond) * 1000 };
    };
    let earliest = fallback;
    let pid = process.ppid;
    // Our ancestors that are part of this start: npm and tsx (not the shell that ran npm).
    for (let depth = 0; depth < 3 && pid > 1; depth++) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/npm|tsx/.test(cmdline)) break;
      const { ppid, startMs } = startOf(pid);
      earliest = Math.min(earliest, startMs);
      pid = ppid;
    }
    return earliest;
  } catch {
    return fallback;
  }
}

/**
 * As root, the embedded Postgres runs as the system user `postgres` (it refuses root), which
 * must be able to enter every directory above its data directory: under /root (mode 700) it
 * cannot, and the package fails with a bare `spawn EACCES`. Says what to do instead.
 */
function assertTraversableByPostgres(dataDir: string): void {
  if (os.userInfo().uid !== 0) return;
  let dir = path.dirname(path.resolve(dataDir));
  const blocked: string[] = [];
  for (;;) {
    if (existsSync(dir)) {
      const mode = statSync(dir).mode;
      if (!(mode & constants.S_IXOTH)) blocked.push(dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (blocked.length === 0) return;
  throw new Error(
    [
      `the embedded Postgres runs as the system user "postgres" (it refuses to run as root), and that user`,
      `cannot enter ${blocked.reverse().join(', ')} (no execute permission for others).`,
      `Do one of:`,
      `  - move the clone to a directory others can traverse (e.g. /srv or /opt), or`,
      `  - allow traversal: chmod o+x ${blocked.join(' ')}, or`,
      `  - use your own Postgres: DATABASE_URL=postgres://... npm start`,
    ].join('\n'),
  );
}

function log(message: string): void {
  console.log(`[start] ${message}`);
}

main().catch((err: unknown) => {
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
