import { loadConfigOrExit } from '../../shared/config';
import { createPrisma, type Db } from '../../shared/db';
import { seedGamificationData } from './gamification';
import { seedOrdersData } from './orders';
import { seedSupportData } from './support';
import { seedTicketsData } from './tickets';
import { seedUsersData } from './users';

export { DEMO_ACCOUNTS, DEMO_PASSWORD } from './users';

/**
 * Demo data for a fresh database (`npm start` on first run, or `npm run db:seed`): accounts,
 * help desk, events with ticket types, and the catalog, each domain through its own tables
 * and data-access code. All in one transaction: a database gets all of it or none. Idempotent:
 * does nothing once the users table has any row, so it never touches real data.
 */

/** Any lock id will do as long as every seeding process uses the same one. */
const SEED_LOCK = 7_001_002;

/** Seeds the demo data if the users table is empty. Returns whether it seeded. */
export async function seedDemoData(db: Db): Promise<boolean> {
  if ((await db.user.count()) > 0) return false;
  return db.$transaction(
    async (tx) => {
      // Two processes seeding the same empty database at once: the second waits here, then
      // finds the users of the first and adds nothing.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK})`;
      if ((await tx.user.count()) > 0) return false;
      const ids = await seedUsersData(tx);
      await seedSupportData(tx, ids.AGENT);
      await seedTicketsData(tx, ids.ORGANIZER, ids.SCANNER);
      await seedOrdersData(tx, ids.ORGANIZER);
      await seedGamificationData(tx, ids.CUSTOMER);
      return true;
    },
    { timeout: 60_000 },
  );
}

if (require.main === module) {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    console.error('db:seed needs DATABASE_URL (npm start seeds its embedded database by itself)');
    process.exit(78);
  }
  const db = createPrisma({ databaseUrl: config.DATABASE_URL, connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
  seedDemoData(db)
    .then((seeded) => console.log(seeded ? 'seeded demo data' : 'users exist: nothing seeded'))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => db.$disconnect());
}
