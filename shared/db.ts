/**
 * The Prisma client, built on node-postgres through `@prisma/adapter-pg` (Prisma 7 has no
 * native query engine). Only data-access layers (`subgraphs/<name>/src/data/`) call it; domain
 * services hold a `Db` to hand down, and open transactions with `inTransaction` (lint enforces
 * both).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlQuery } from '@prisma/driver-adapter-utils';
import { PrismaClient, type Prisma } from '../prisma/generated/prisma/client';
import { createPool, type Pool, type PoolOptions } from './pg';
import { inDatabaseSpan } from './tracing';

export type Db = PrismaClient;

/**
 * The client handed to an interactive transaction (`db.$transaction(async (tx) => ...)`).
 * Data-access functions that should work both inside and outside a transaction take
 * `Db | Tx`; note that `Tx` has no `$transaction`, `$connect` or `$disconnect`.
 */
export type Tx = Prisma.TransactionClient;

export interface DbOptions extends PoolOptions {
  /**
   * Called after every SQL statement the client runs (Prisma's `query` log event), e.g. to
   * count queries in tests or log slow ones. Off when absent (no logging overhead).
   */
  onQuery?: (event: { query: string; durationMs: number }) => void;
  /**
   * A span per SQL statement a traced request runs (shared/tracing.ts), when tracing is on.
   * Off: the adapter is not wrapped at all.
   */
  traced?: boolean;
}

/** The pool under each client, for the pool gauges of `/metrics`. */
const pools = new WeakMap<Db, Pool>();

/**
 * The node-postgres pool a client of `createPrisma` runs on: for SQL that needs no Prisma (the
 * session check, readiness, the pool gauges and the outbox lag of `/metrics`).
 */
export function poolOf(db: Db): Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('poolOf: not a client made by createPrisma');
  return pool;
}

/** A new client with its own connection pool. Call `$disconnect()` on shutdown to end the pool. */
export function createPrisma({ onQuery, traced, ...poolOptions }: DbOptions): Db {
  const pool = createPool(poolOptions);
  // The pool is ours (so its counts can be read), and `$disconnect()` still ends it.
  const pgAdapter = new PrismaPg(pool, { disposeExternalPool: true });
  const adapter = traced ? tracedAdapter(pgAdapter) : pgAdapter;
  if (!onQuery) {
    const client = new PrismaClient({ adapter });
    pools.set(client, pool);
    return client;
  }
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (e) => onQuery({ query: e.query, durationMs: e.duration }));
  pools.set(client, pool);
  return client;
}

/**
 * The adapter with each statement in a span: its connections' and their transactions'
 * `queryRaw`/`executeRaw` (where Prisma hands node-postgres one SQL statement) wrapped, the
 * rest passed through. Below Prisma, so a span is one statement as Postgres ran it, whichever
 * Prisma call (a read, a nested write, a raw query) issued it.
 */
function tracedAdapter<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(object);
      if (property === 'queryRaw' || property === 'executeRaw') {
        return (query: SqlQuery) => inDatabaseSpan(query.sql, () => method(query) as Promise<unknown>);
      }
      // The factory's connections and a connection's transactions are wrapped the same way.
      if (property === 'connect' || property === 'startTransaction') {
        return async (...args: unknown[]) => tracedAdapter((await method(...args)) as object);
      }
      return method;
    },
  });
}

/**
 * Options of every interactive transaction: wait up to 15 s for a pooled connection (a busy
 * pool queues rather than fails), and let the work run up to 20 s before Prisma rolls it back.
 */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;

/**
 * Runs `work` in one interactive transaction (the state change and the events announcing it
 * commit together). Domain services call this instead of reaching for Prisma's `$transaction`.
 */
export function inTransaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  options: { maxWait?: number; timeout?: number } = TRANSACTION_OPTIONS,
): Promise<T> {
  return db.$transaction(work, { ...TRANSACTION_OPTIONS, ...options });
}

/**
 * Did this write fail on a unique constraint? Prisma's P2002 for its own queries; a raw
 * statement's failure is P2010 whatever the cause, with the driver's error kind beside it.
 * Only data-layer code asks: it turns the violation into the domain's own error (an email
 * taken, a ticket already scanned).
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, meta } = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return (
    code === 'P2002' || (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}

/**
 * A user's text as a literal operand of Prisma's `contains`/`startsWith`/`endsWith`, and of
 * `equals` with `mode: 'insensitive'`: on Postgres those become `LIKE`/`ILIKE` with the operand
 * as the pattern, unescaped (prisma/prisma#10810, #19506), so `%` and `_` would be wildcards (a
 * search for `%%` matching every row). Postgres' default LIKE escape is the backslash.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
