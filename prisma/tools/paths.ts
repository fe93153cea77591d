import path from 'node:path';

/** Repository root (this file lives in prisma/tools/). */
export const ROOT_DIR = path.resolve(__dirname, '..', '..');
/** Multi-file Prisma schema: schema.prisma (generator, datasource) plus one file per domain. */
export const SCHEMA_DIR = path.join(ROOT_DIR, 'prisma', 'schema');
/** Prisma Migrate's directory: `<timestamp>_<name>/migration.sql` and migration_lock.toml. */
export const MIGRATIONS_DIR = path.join(ROOT_DIR, 'prisma', 'migrations');
/** Local state of `npm start` (gitignored): embedded Postgres data, JWT signing keys. */
export const DATA_DIR = path.join(ROOT_DIR, '.data');
