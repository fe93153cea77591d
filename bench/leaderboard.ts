import { randomUUID } from 'node:crypto';
import { staticKeys } from '../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../shared/auth/keys';
import { postgresSessionLookup } from '../shared/auth/sessions';
import { createTokenVerifier } from '../shared/auth/tokens';
import { createPrisma, poolOf } from '../shared/db';
import { createLogger } from '../shared/logger';
import { rankedScoreOf, readLeaderboard } from '../subgraphs/gamification/src/data/scores';
import { periodWindow } from '../subgraphs/gamification/src/domain/calendar';
import { createServer } from '../subgraphs/gamification/src/server';
import { DEFAULT_SETTINGS } from '../subgraphs/gamification/src/settings';
import globalSetup from '../test/globalSetup';
import globalTeardown from '../test/globalTeardown';
import { createTestDatabase } from '../test/helpers/db';
import { TOKEN_SETTINGS } from '../test/helpers/stack';
import { intOption, quantile } from './harness';

/**
 * `npm run bench -- leaderboard [--users 100000] [--entries 1000000] [--runs 300]`
 *
 * Fills a fresh database with `entries` ledger entries of `users` users spread over the last
 * 120 days (and the running totals they would have produced: balances, per-period
 * leaderboard totals and their per-total counts), then reads, through the gamification subgraph's schema in process
 * (shield, resolvers, SQL), a top-100 page with the viewer's own rank, and a user's rank, for
 * WEEK and ALL_TIME. Prints p50/p99 of each, in ms, next to the bare SQL measured in the same
 * run: the one statement a page is read with now, and the previous design's four statements
 * (the baseline), so the figures compare on whatever load the machine has.
 */
export default async function leaderboardBench(args: string[]): Promise<void> {
  const users = intOption(args, 'users', 100_000);
  const entries = intOption(args, 'entries', 1_000_000);
  const runs = intOption(args, 'runs', 300);
  await globalSetup();
  const database = await createTestDatabase();
  const db = createPrisma({ databaseUrl: database.url, connectTimeoutMs: 5000, poolMax: 10 });
  try {
    const now = new Date();
    const tz = DEFAULT_SETTINGS.timeZone;
    const started = performance.now();
    await db.$executeRawUnsafe(`
      CREATE TEMP TABLE bench_users AS
      SELECT n, (md5(n::text)::uuid) AS id FROM generate_series(1, ${users}) n`);
    await db.$executeRawUnsafe(`
      INSERT INTO gamification.ledger (id, user_id, amount, kind, reason, occurred_at, local_day, balance_after, created_at)
      SELECT gen_random_uuid(), u.id, 1 + (random() * 99)::int, 'AWARD', 'bench', t.at,
             (t.at AT TIME ZONE '${tz}')::date, 0, t.at
      FROM (SELECT 1 + (random() * (${users} - 1))::int AS n,
                   now() - random() * interval '120 days' AS at
            FROM generate_series(1, ${entries})) t
      JOIN bench_users u ON u.n = t.n`);
    await db.$executeRawUnsafe(`
      INSERT INTO gamification.balances (user_id, balance, lifetime, updated_at)
      SELECT user_id, sum(amount), sum(amount), now() FROM gamification.ledger GROUP BY user_id`);
    for (const [period, start] of [
      ['DAY', 'local_day'],
      ['WEEK', "date_trunc('week', local_day)::date"],
      ['MONTH', "date_trunc('month', local_day)::date"],
      ['SEASON', "date_trunc('quarter', local_day)::date"],
      ['ALL_TIME', "DATE '1970-01-01'"],
    ])
      await db.$executeRawUnsafe(`
        INSERT INTO gamification.period_scores (period, start, user_id, points, reached_at)
        SELECT '${period}', ${start}, user_id, sum(amount), max(occurred_at)
        FROM gamification.ledger GROUP BY 2, user_id`);
    await db.$executeRawUnsafe(`
      INSERT INTO gamification.score_counts (period, start, points, users)
      SELECT period, start, points, count(*) FROM gamification.period_scores GROUP BY 1, 2, 3`);
    await db.$executeRawUnsafe(`VACUUM ANALYZE gamification.period_scores`);
    await db.$executeRawUnsafe(`VACUUM ANALYZE gamification.score_counts`);
    console.log(
      `loaded ${entries} entries of ${users} users in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
    const server = await createServer({
      db,
      logger: createLogger('bench-gamification', 'silent'),
      verifier: createTokenVerifier({
        ...TOKEN_SETTINGS,
        keys: staticKeys(signingKeys.map(toPublicJwk)),
        sessions: postgresSessionLookup(poolOf(db)),
      }),
      exposeErrorDetails: true,
      introspection: false,
      now: () => now,
      settings: DEFAULT_SETTINGS,
    });
    const sample = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM bench_users ORDER BY random() LIMIT ${runs}`,
    );
    const viewer = (userId: string) => ({
      userId,
      roles: ['CUSTOMER' as const],
      sessionId: randomUUID(),
      expiresAt: new Date(Date.now() + 60_000),
    });
    const timed = async (label: string, query: string, variables: (id: string) => Record<string, unknown>) => {
      const latencies: number[] = [];
      for (const [i, { id }] of sample.entries()) {
        const t = performance.now();
        const res = await server.execute({ query, variables: variables(id), viewer: viewer(id) });
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        if (i >= 10) latencies.push(performance.now() - t); // the first runs warm caches up
      }
      latencies.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(44)} p50 ${quantile(latencies, 0.5).toFixed(2)} ms   p99 ${quantile(latencies, 0.99).toFixed(2)} ms`,
      );
    };
    const sqlTimed = async (label: string, run: (id: string) => Promise<unknown>) => {
      const latencies: number[] = [];
      for (const [i, { id }] of sample.entries()) {
        const t = performance.now();
        await run(id);
        if (i >= 10) latencies.push(performance.now() - t);
      }
      latencies.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(44)} p50 ${quantile(latencies, 0.5).toFixed(2)} ms   p99 ${quantile(latencies, 0.99).toFixed(2)} ms`,
      );
    };
    for (const period of ['WEEK', 'ALL_TIME'] as const) {
      const { start } = periodWindow(period, now, tz);
      // Baseline: the previous design's reads, one statement each (page, count, the viewer's
      // score, then their rank), as the service issued them (three at once, then the rank).
      await sqlTimed(`SQL, 4 statements (before) (${period})`, async (id) => {
        const [, , [score]] = await Promise.all([
          db.$queryRaw`
            SELECT s.user_id, s.points, s.reached_at, v.hidden FROM gamification.period_scores s
            LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
            WHERE s.period = ${period} AND s.start = ${start}::date AND s.points > 0
            ORDER BY s.points DESC, s.reached_at, s.user_id LIMIT 101`,
          db.$queryRaw`SELECT sum(users) AS n FROM gamification.score_counts
            WHERE period = ${period} AND start = ${start}::date AND points > 0`,
          db.$queryRaw<{ points: number; reached_at: Date; user_id: string }[]>`
            SELECT s.user_id, s.points, s.reached_at, v.hidden FROM gamification.period_scores s
            LEFT JOIN gamification.leaderboard_visibility v ON v.user_id = s.user_id
            WHERE s.period = ${period} AND s.start = ${start}::date AND s.user_id = ${id}::uuid`,
        ]);
        if (score)
          await db.$queryRaw`
            SELECT
              (SELECT sum(users) FROM gamification.score_counts
                WHERE period = ${period} AND start = ${start}::date AND points > ${score.points}) AS above,
              (SELECT count(*) FROM gamification.period_scores
                WHERE period = ${period} AND start = ${start}::date AND points = ${score.points}
                  AND (reached_at < ${score.reached_at} OR (reached_at = ${score.reached_at} AND user_id < ${score.user_id}::uuid))) AS tied`;
      });
      await sqlTimed(`SQL, 1 statement (now) (${period})`, (id) =>
        readLeaderboard(db, period, start, undefined, 101, id),
      );
      await timed(
        `GraphQL top-100 page + viewer rank (${period})`,
        `query ($p: LeaderboardPeriod!) { leaderboard(period: $p, first: 100) {
          totalCount edges { node { rank points anonymous user { id } } } viewerEntry { rank points } } }`,
        () => ({ p: period }),
      );
      await sqlTimed(`SQL, a user's rank (${period})`, (id) => rankedScoreOf(db, period, start, id));
      await timed(
        `GraphQL a user's rank (${period})`,
        `query ($reps: [_Any!]!, $p: LeaderboardPeriod!) { _entities(representations: $reps) { ... on User { rank(period: $p) { rank points } } } }`,
        (id) => ({ reps: [{ __typename: 'User', id }], p: period }),
      );
    }
  } finally {
    await db.$disconnect();
    await database.drop();
    await globalTeardown();
  }
}
