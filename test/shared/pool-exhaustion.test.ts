/**
 * An exhausted database pool is load, not a bug: a subgraph whose only connection is held
 * answers a transaction that cannot start in time with a retryable SERVICE_UNAVAILABLE (and a
 * retry hint), never INTERNAL_SERVER_ERROR, and nothing is written.
 */
import { randomUUID } from 'node:crypto';
import { startSubgraph, type InProcessSubgraph } from '../helpers/subgraph';

let users: InProcessSubgraph;

beforeAll(async () => {
  users = await startSubgraph('users', { poolMax: 1 });
});

afterAll(async () => {
  await users.stop();
});

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`;

it('answers SERVICE_UNAVAILABLE with retryAfterMs while no connection becomes free, then works again', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  // Another request's long transaction holds the pool's only connection.
  const holder = users.db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      holding();
      await gate;
    },
    { maxWait: 5_000, timeout: 60_000 },
  );
  await held;
  const email = `busy-${randomUUID().slice(0, 8)}@example.com`;
  const refused = await Promise.all(
    Array.from({ length: 3 }, (_, i) =>
      users.execute(REGISTER, { input: { email: `${i}-${email}`, password: 'a-good-password', name: 'Busy' } }),
    ),
  );
  for (const res of refused) {
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterMs: 1000 });
    expect(res.errors?.[0]?.message).toMatch(/busy/);
  }
  release();
  await holder;
  expect(await users.db.user.count({ where: { email: { endsWith: email } } })).toBe(0);
  const retried = await users.execute(REGISTER, {
    input: { email, password: 'a-good-password', name: 'Busy' },
  });
  expect(retried.errors).toBeUndefined();
});
