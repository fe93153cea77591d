import { randomUUID } from 'node:crypto';
import { redisUrlIfAvailable } from '../test/helpers/redis';
import { CHECKOUT, feedTicketType, quickUsers } from '../subgraphs/orders/test/helpers';
import {
  REPLAY_POOL_MAX,
  compare,
  cpuProfiled,
  intOption,
  loadAverage,
  measure,
  outcomeOf,
  replaySql,
  sqlTemplate,
  stringOption,
  withStack,
} from './harness';

/**
 * `npm run bench -- checkout [--attempts 2000] [--capacity 500] [--concurrency 100] [--redis] [--cpu-prof FILE]`
 *
 * `attempts` checkouts of one ticket each, through the gateway, against one ticket type of
 * `capacity` seats, `concurrency` in flight. Then the SQL statements of one checkout that got
 * its seat and of one that found none (captured from the stack's pool) run from a bare `pg`
 * client at the same concurrency, as many of each as the service had, against another ticket
 * type of `capacity` seats: the database's own limit on this machine. Prints checkouts per
 * second, p50/p99 latency of all attempts, the outcomes by error code, the ratios, and the
 * oversold count (held + sold beyond capacity; must be 0). With `--cpu-prof` the service's
 * checkouts run under the CPU profiler (`cpuProfiled`).
 */
export default async function checkoutBench(args: string[]): Promise<void> {
  const attempts = intOption(args, 'attempts', 2000);
  const capacity = intOption(args, 'capacity', 500);
  const concurrency = intOption(args, 'concurrency', 100);
  const cpuProfile = stringOption(args, 'cpu-prof');
  const redisUrl = args.includes('--redis') ? await redisUrlIfAvailable() : undefined;

  await withStack(
    async (stack) => {
      const [type, replayed, sampled, gone] = await Promise.all(
        [capacity, capacity, attempts, 1].map((seats) => feedTicketType(stack, { capacity: seats, maxPerOrder: 1 })),
      );
      const buyers = await quickUsers(stack, Math.min(attempts, 200), 'bench');
      const checkout = async (ticketTypeId: string, i: number, idempotencyKey = `bench-${i}-${randomUUID()}`) => {
        const res = await stack.gql(
          CHECKOUT,
          { input: { idempotencyKey, lines: [{ ticketTypeId, quantity: 1 }] } },
          { token: buyers[i % buyers.length]!.token },
        );
        return outcomeOf(res, res.data?.checkout ? 'OK' : `HTTP ${res.status}`);
      };

      // One checkout that gets a seat and one that finds none, with the workers stopped so their
      // statements are the requests' alone.
      if ((await checkout(gone!.ticketTypeId, 0)) !== 'OK') throw new Error('could not buy the one seat');
      await stack.stopWorkers();
      const heldKey = `bench-held-${randomUUID()}`;
      const refusedKey = `bench-refused-${randomUUID()}`;
      const held = await stack.captureSql(() => checkout(sampled!.ticketTypeId, 0, heldKey));
      const refused = await stack.captureSql(() => checkout(gone!.ticketTypeId, 0, refusedKey));
      stack.startWorkers();
      if (held.result !== 'OK' || refused.result !== 'SOLD_OUT')
        throw new Error(`the sample checkouts were ${held.result} and ${refused.result}`);

      const load = loadAverage();
      const service = await cpuProfiled(cpuProfile, () =>
        measure(attempts, concurrency, (i) => checkout(type!.ticketTypeId, i)),
      );
      const copy = await stack.db.ticketTypeCopy.findUniqueOrThrow({ where: { id: type!.ticketTypeId } });
      const oversold = Math.max(0, copy.held + copy.sold - copy.capacity);

      // As many holds and refusals as the service had, in the order an on-sale has them.
      const holds = service.outcomes.OK ?? 0;
      const replay = (sample: string, key: string) => (i: number) =>
        new Map([
          [sample, replayed!.ticketTypeId],
          [key, `${key}-${i}`],
        ]);
      const asHeld = sqlTemplate(held.statements, replay(sampled!.ticketTypeId, heldKey));
      const asRefused = sqlTemplate(refused.statements, replay(gone!.ticketTypeId, refusedKey));
      const limit = await replaySql(stack.databaseUrl, attempts, concurrency, (i) =>
        i < holds ? asHeld(i) : asRefused(i),
      );
      console.log(
        [
          `checkout: ${attempts} attempts, capacity ${capacity}, concurrency ${concurrency}${redisUrl ? ', events over Redis' : ''}, ${held.statements.length} SQL statements per hold, ${refused.statements.length} per refusal`,
          `  load average before ${load}; the bare client on ${Math.min(concurrency, REPLAY_POOL_MAX)} connections, the stack on 50`,
          compare('checkouts', service, limit),
          `  held ${copy.held}, oversold ${oversold}`,
        ].join('\n'),
      );
      if (oversold > 0) throw new Error(`oversold by ${oversold}`);
    },
    { redisUrl },
  );
}
