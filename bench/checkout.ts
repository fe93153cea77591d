import { randomUUID } from 'node:crypto';
import { redisUrlIfAvailable } from '../test/helpers/redis';
import { codeOf } from '../test/helpers/users';
import { CHECKOUT, feedTicketType, quickUsers } from '../subgraphs/orders/test/helpers';
import { intOption, quantile, withStack } from './harness';

/**
 * `npm run bench -- checkout [--attempts 2000] [--capacity 500] [--concurrency 100] [--redis]`
 *
 * `attempts` checkouts of one ticket each, through the gateway, against one ticket type of
 * `capacity` seats, `concurrency` in flight. Prints checkouts per second, p50/p99 latency of
 * all attempts, the outcome counts, and the oversold count (held + sold beyond capacity; must
 * be 0).
 */
export default async function checkoutBench(args: string[]): Promise<void> {
  const attempts = intOption(args, 'attempts', 2000);
  const capacity = intOption(args, 'capacity', 500);
  const concurrency = intOption(args, 'concurrency', 100);
  const redisUrl = args.includes('--redis') ? await redisUrlIfAvailable() : undefined;

  await withStack(
    async (stack) => {
      const type = await feedTicketType(stack, { capacity, maxPerOrder: 1 });
      const buyers = await quickUsers(stack, Math.min(attempts, 200), 'bench');
      const latencies: number[] = [];
      const outcomes: Record<string, number> = {};
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < attempts) {
            const i = next++;
            const t0 = performance.now();
            const res = await stack.gql(
              CHECKOUT,
              {
                input: {
                  idempotencyKey: `bench-${i}-${randomUUID()}`,
                  lines: [{ ticketTypeId: type.ticketTypeId, quantity: 1 }],
                },
              },
              { token: buyers[i % buyers.length]!.token },
            );
            latencies.push(performance.now() - t0);
            const outcome = codeOf(res) ?? 'OK';
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const copy = await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type.ticketTypeId } });
      const oversold = Math.max(0, copy.held + copy.sold - copy.capacity);
      latencies.sort((a, b) => a - b);
      console.log(
        [
          `checkout: ${attempts} attempts, capacity ${capacity}, concurrency ${concurrency}${redisUrl ? ', events over Redis' : ''}`,
          `  ${(attempts / seconds).toFixed(0)} checkouts/s over ${seconds.toFixed(2)} s`,
          `  latency p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`,
          `  outcomes ${JSON.stringify(outcomes)}`,
          `  held ${copy.held}, oversold ${oversold}`,
        ].join('\n'),
      );
      if (oversold > 0) throw new Error(`oversold by ${oversold}`);
    },
    { redisUrl },
  );
}
