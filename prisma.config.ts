import { defineConfig } from 'prisma/config';
import { loadConfig } from './shared/config';

/**
 * Configuration read by the Prisma CLI (Prisma 7 takes the datasource URL from here, not from
 * the schema). Our own tools (prisma/tools/*) read the same paths from prisma/tools/paths.ts.
 *
 * `datasource.url` stays undefined when DATABASE_URL is unset, so `prisma generate` (run by
 * postinstall, before any database exists) keeps working; the standard `prisma migrate deploy`
 * needs DATABASE_URL set and agrees with our offline runner (same `_prisma_migrations` table).
 */
export default defineConfig({
  schema: 'prisma/schema',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed/index.ts',
  },
  datasource: { url: loadConfig().DATABASE_URL },
});
