import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import pg from 'pg';
import globalSetup from '../test/globalSetup';
import globalTeardown from '../test/globalTeardown';
import {
  startStack,
  type GraphQLResponse,
  type SqlStatement,
  type Stack,
  type StackOptions,
} from '../test/helpers/stack';

const STACK_POOL_MAX = 50;
/**
 * Connections of the bare client of `replaySql` at most: with the stack's 50 still open (and its
 * LISTEN clients), Postgres' default max_connections of 100 leaves about this many.
 */
export const REPLAY_POOL_MAX = 40;

/**
 * Runs `body` against a stack of its own, built like the tests' (a migrated database cloned
 * from the test template on the local Postgres, or an embedded one), and tears it all down.
 * Every service runs in this one process sharing one pool, sized like the five pools of 10 the
 * services hold when deployed.
 */
export async function withStack<T>(body: (stack: Stack) => Promise<T>, options: StackOptions = {}): Promise<T> {
  await globalSetup();
  const stack = await startStack({ poolMax: STACK_POOL_MAX, ...options });
  try {
    return await body(stack);
  } finally {
    await stack.stop();
    await globalTeardown();
  }
}

/** `--name value` options of a benchmark, as positive integers with defaults. */
export function intOption(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** A `--name value` option of a benchmark, as given (undefined when absent). */
export function stringOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
}

/**
 * Runs `body` under V8's CPU profiler when `file` is given and writes the profile there (open
 * it in Chrome DevTools or speedscope): the measured phase alone, without the stack's start and
 * the benchmark's setup. The stack runs in this process, so the profile has every service's
 * and the gateway's work, and the client's.
 */
export async function cpuProfiled<T>(file: string | undefined, body: () => Promise<T>): Promise<T> {
  if (!file) return body();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of the measured phase in ${file}`);
  }
}

/** The value at quantile `q` (0..1) of sorted numbers. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/**
 * A response's outcome for the tally: `ok` without errors, else its error code, and for an
 * internal error its message too (the reason is what a failure report needs).
 */
export function outcomeOf(res: GraphQLResponse, ok: string): string {
  const error = res.errors?.[0];
  if (!error) return ok;
  const code = error.extensions?.code ?? `HTTP ${res.status}`;
  return code === 'INTERNAL_SERVER_ERROR' ? `${code} (${error.message})` : code;
}

/** What one side of a benchmark measured. */
export interface Figures {
  seconds: number;
  /** Latency of every attempt, sorted, in ms. */
  latencies: number[];
  /** Attempts by outcome (a status, an error code, or OK). */
  outcomes: Record<string, number>;
}

/**
 * Runs `attempts` calls of `attempt(i)`, `concurrency` in flight, each resolving to its
 * outcome; an attempt that throws counts under its error's message.
 */
export async function measure(
  attempts: number,
  concurrency: number,
  attempt: (i: number) => Promise<string>,
): Promise<Figures> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < attempts) {
        const i = next++;
        const t0 = performance.now();
        const outcome = await attempt(i).catch((err: unknown) => `thrown: ${(err as Error).message}`);
        latencies.push(performance.now() - t0);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { seconds: (performance.now() - started) / 1000, latencies, outcomes };
}

/** The 1-, 5- and 15-minute load averages: the figures of a shared machine mean nothing without them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/**
 * The service's figures next to the bare client's (the database's own limit for the same
 * statements at the same concurrency), with the ratios service/limit.
 */
export function compare(unit: string, service: Figures, limit: Figures): string {
  const rate = (f: Figures) => f.latencies.length / f.seconds;
  const line = (name: string, f: Figures) =>
    `  ${name.padEnd(8)} ${rate(f).toFixed(0).padStart(6)} ${unit}/s   p50 ${quantile(f.latencies, 0.5).toFixed(1)} ms   p99 ${quantile(f.latencies, 0.99).toFixed(1)} ms   ${JSON.stringify(f.outcomes)}`;
  return [
    line('service', service),
    line('bare pg', limit),
    `  ratio    ${(rate(service) / rate(limit)).toFixed(2)} of the throughput, p99 ${(quantile(service.latencies, 0.99) / quantile(limit.latencies, 0.99)).toFixed(1)}x`,
    `  load average ${loadAverage()} (${os.cpus().length} cores)`,
  ].join('\n');
}

/** Ids in a value: UUIDs, and long hex runs (digests, random tokens). */
const IDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}/gi;

/**
 * The statements one request issued (`stack.captureSql`), as a template for the same request
 * on other rows: `substitute` maps the sample's values (a ticket's id) to each attempt's, and
 * every id the request generated (first seen in an INSERT: new row ids, event ids, a payment's
 * digest) is fresh per attempt, so unique keys hold. Substitution reaches inside text values
 * (JSON payloads).
 */
export function sqlTemplate(
  sample: SqlStatement[],
  substitute: (i: number) => Map<string, string>,
): (i: number) => SqlStatement[] {
  const seen = new Set<string>();
  const generated = new Set<string>();
  for (const s of sample) {
    for (const p of s.params) {
      if (typeof p !== 'string') continue;
      for (const [id] of p.matchAll(IDS)) {
        if (seen.has(id)) continue;
        seen.add(id);
        if (/^\s*INSERT\b/i.test(s.query)) generated.add(id);
      }
    }
  }
  const fresh = (id: string) =>
    id.includes('-') ? randomUUID() : randomBytes(id.length).toString('hex').slice(0, id.length);
  return (i) => {
    const map = substitute(i);
    for (const g of generated) if (!map.has(g)) map.set(g, fresh(g));
    const swap = (p: unknown): unknown => {
      if (typeof p !== 'string') return p;
      let out = p;
      for (const [from, to] of map) if (out.includes(from)) out = out.split(from).join(to);
      return out;
    };
    return sample.map((s) => ({ ...s, params: s.params.map(swap) }));
  };
}

/**
 * Replays `statements(i)` for `attempts` attempts, `concurrency` in flight, from a bare `pg`
 * pool (as many connections, up to REPLAY_POOL_MAX), each attempt's statements in order on
 * one connection. Where the sample's
 * conditional UPDATE changed rows and the replay's changes none (sold out, already scanned),
 * the attempt rolls back and ends there, as the service's does ("refused").
 */
export async function replaySql(
  databaseUrl: string,
  attempts: number,
  concurrency: number,
  statements: (i: number) => SqlStatement[],
): Promise<Figures> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.min(concurrency, REPLAY_POOL_MAX) });
  try {
    // Connections opened before the clock starts, as the service's pool has them.
    const opened = await Promise.allSettled(Array.from({ length: pool.options.max }, () => pool.connect()));
    for (const c of opened) if (c.status === 'fulfilled') c.value.release();
    const failed = opened.find((c) => c.status === 'rejected');
    if (failed) throw failed.reason;
    return await measure(attempts, concurrency, async (i) => {
      const client = await pool.connect();
      let inTransaction = false;
      try {
        for (const s of statements(i)) {
          const result = await client.query(s.query, s.params);
          if (/^BEGIN\b/i.test(s.query)) inTransaction = true;
          if (/^(COMMIT|ROLLBACK)\b/i.test(s.query)) inTransaction = false;
          if (inTransaction && /^\s*UPDATE\b/i.test(s.query) && (s.rowCount ?? 0) > 0 && result.rowCount === 0) {
            await client.query('ROLLBACK');
            return 'refused';
          }
        }
        return 'OK';
      } catch (err) {
        if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });
  } finally {
    await pool.end();
  }
}
