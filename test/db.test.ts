import { createPrisma, poolOf, type Db } from '../shared/db';
import { checkDatabase } from '../shared/pg';
import { createTestDatabase, type TestDatabase } from './helpers/db';

/** The harness itself: databases cloned from the template are migrated and independent. */
describe('test databases', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  let a: Db;
  let b: Db;

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    a = createPrisma({ databaseUrl: first.url, connectTimeoutMs: 5_000 });
    b = createPrisma({ databaseUrl: second.url, connectTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    await Promise.all([a?.$disconnect(), b?.$disconnect()]);
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it('are distinct databases', () => {
    expect(first.url).not.toEqual(second.url);
  });

  it('are migrated: users.users exists and the migration is recorded', async () => {
    await checkDatabase(poolOf(a));
    const [table] = await a.$queryRaw<{ name: string | null }[]>`SELECT to_regclass('users.users')::text AS name`;
    expect(table?.name).toBe('users.users');
    const applied = await a.$queryRaw<{ name: string }[]>`
      SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
    expect(applied.map((m) => m.name)).toEqual(expect.arrayContaining([expect.stringMatching(/_init$/)]));
  });

  it('do not share rows', async () => {
    await a.user.create({ data: { email: 'only-in-a@example.com', name: 'A', passwordHash: 'x' } });
    expect(await a.user.count()).toBe(1);
    expect(await b.user.count()).toBe(0);
  });

  it('start empty even after another file wrote to its own database', async () => {
    const third = await createTestDatabase();
    const c = createPrisma({ databaseUrl: third.url, connectTimeoutMs: 5_000 });
    try {
      expect(await c.user.count()).toBe(0);
    } finally {
      await c.$disconnect();
      await third.drop();
    }
  });

  it('drop() removes the database', async () => {
    const temp = await createTestDatabase();
    await temp.drop();
    const c = createPrisma({ databaseUrl: temp.url, connectTimeoutMs: 5_000 });
    try {
      await expect(checkDatabase(poolOf(c))).rejects.toThrow();
    } finally {
      await c.$disconnect();
    }
  });
});
