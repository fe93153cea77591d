import { newAccount } from '../test/helpers/commerce';
import { eventually } from '../test/helpers/eventually';
import { redisUrlIfAvailable } from '../test/helpers/redis';
import { intOption, quantile, withStack } from './harness';

/**
 * `npm run bench -- delivery [--events 40] [--redis] [--polling]`
 *
 * Domain-event delivery latency on an otherwise idle stack: `events` sign-ups through the
 * gateway, one at a time at irregular intervals (so no phase lock with a poll), each emitting
 * `UserChanged` to its four consumers. Per delivery, the time from the sign-up's answer (its
 * transaction committed) to the start of the consuming transaction
 * (`events.processed_events.processed_at`: the same machine's clock, to the millisecond). `--polling` runs the event workers without Postgres wake-ups,
 * polling every 100 ms as they did before them.
 */
export default async function deliveryBench(args: string[]): Promise<void> {
  const events = intOption(args, 'events', 40);
  const redisUrl = args.includes('--redis') ? await redisUrlIfAvailable() : undefined;
  const polling = args.includes('--polling');
  await withStack(
    async (stack) => {
      // When each sign-up's answer arrived (its transaction had committed), by user id.
      const answeredAt = new Map<string, number>();
      const deliveries = async () => {
        const rows = await stack.db.$queryRaw<{ userId: string; at: Date }[]>`
          SELECT o.payload->>'userId' AS "userId", p.processed_at AS at
          FROM events.processed_events p JOIN events.outbox o ON o.event_id = p.event_id
          WHERE o.type = 'UserChanged' AND o.payload->>'email' LIKE 'delivery-%'`;
        return rows.map((r) => r.at.getTime() - answeredAt.get(r.userId)!);
      };
      for (let i = 0; i < events; i++) {
        const account = await newAccount(stack, `delivery-${i}`);
        answeredAt.set(account.id, Date.now());
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 250));
      }
      // Each sign-up's UserChanged reaches support, reports, gamification and notifications.
      const ms = await eventually(
        async () => {
          const all = await deliveries();
          return all.length >= events * 4 && all.sort((a, b) => a - b);
        },
        { timeoutMs: 120_000, what: 'every delivery' },
      );
      const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
      console.log(
        `${polling ? 'polling every 100 ms' : 'woken by LISTEN/NOTIFY'}${redisUrl ? ', Redis streams' : ', Postgres transport'}: ` +
          `${ms.length} deliveries, mean ${mean.toFixed(1)} ms, p50 ${quantile(ms, 0.5).toFixed(1)} ms, ` +
          `p90 ${quantile(ms, 0.9).toFixed(1)} ms, p99 ${quantile(ms, 0.99).toFixed(1)} ms, max ${ms[ms.length - 1]!.toFixed(1)} ms`,
      );
    },
    { redisUrl, wakeups: !polling },
  );
}
