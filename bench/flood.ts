import { eventOnSale, email } from '../test/helpers/commerce';
import type { Stack } from '../test/helpers/stack';
import { codeOf, signUp } from '../test/helpers/users';
import { loadConfig } from '../shared/config';
import { intOption, quantile, withStack } from './harness';

/**
 * `npm run bench -- flood [--events 30] [--concurrency 16] [--seconds 15]`
 *
 * A normal client's latency while an anonymous caller floods the gateway with the worst query
 * it still accepts (hardening §1's target: p99 within 2x of idle). The worst query is found,
 * not guessed: as many aliased `events` lists with organizer and ticket types (a cross-subgraph
 * fan-out) as the root-field limit allows, each as long (`first`) as the cost budget accepts.
 * The normal client, signed in, reads one page of 10 events ten times a second: its p50/p99
 * idle, then during the flood, in the same run, and the ratio. The gateway runs with the
 * default cost per minute and trusts the bench as its proxy, so the flood (one address) and the
 * client (another) are told apart as they would be from two machines.
 */
export default async function floodBench(args: string[]): Promise<void> {
  const eventCount = intOption(args, 'events', 30);
  const concurrency = intOption(args, 'concurrency', 16);
  const seconds = intOption(args, 'seconds', 15);

  const config = loadConfig({});
  const costPerMinute = {
    signedIn: config.MAX_QUERY_COST_PER_MINUTE,
    anonymous: config.MAX_QUERY_COST_PER_MINUTE_ANONYMOUS,
  };
  await withStack(
    async (stack) => {
      const client = await signUp(stack, email('flood-client'));
      const organizer = await signUp(stack, email('flood-organizer'), { roles: ['CUSTOMER', 'ORGANIZER'] });
      for (let i = 0; i < eventCount; i++) await eventOnSale(stack, organizer, [{}, {}], `Flood ${i}`);

      const worst = await worstAcceptedQuery(stack);
      console.log(`worst accepted anonymous query: ${worst.aliases} aliases of events(first: ${worst.first})`);

      const normal = '{ events(first: 10) { edges { node { id title startsAt ticketTypes { id name } } } } }';
      const sample = async (ms: number) => {
        const latencies: number[] = [];
        const until = performance.now() + ms;
        while (performance.now() < until) {
          const t = performance.now();
          const res = await stack.gql(normal, {}, { token: client.accessToken, headers: CLIENT });
          if (res.errors) throw new Error(`normal client: ${JSON.stringify(res.errors)}`);
          latencies.push(performance.now() - t);
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - t))));
        }
        return latencies.sort((a, b) => a - b);
      };

      const idle = await sample(seconds * 1000);
      let flooding = true;
      const outcomes: Record<string, number> = {};
      const flood = Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (flooding) {
            const res = await stack.gql(worst.query, {}, { headers: ATTACKER });
            const outcome = codeOf(res) ?? 'OK';
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
        }),
      );
      const loaded = await sample(seconds * 1000);
      flooding = false;
      await flood;

      const line = (label: string, l: number[]) =>
        `${label.padEnd(22)} n ${String(l.length).padStart(5)}   p50 ${quantile(l, 0.5).toFixed(1)} ms   p99 ${quantile(l, 0.99).toFixed(1)} ms`;
      console.log(line('normal client, idle', idle));
      console.log(line('normal client, flood', loaded));
      console.log(`flood: ${concurrency} in flight, outcomes ${JSON.stringify(outcomes)}`);
      console.log(
        `p99 ratio flood/idle ${(quantile(loaded, 0.99) / quantile(idle, 0.99)).toFixed(2)} (target <= 2), ` +
          `p50 ratio ${(quantile(loaded, 0.5) / quantile(idle, 0.5)).toFixed(2)}`,
      );
    },
    { costPerMinute, trustProxy: 'loopback' },
  );
}

const CLIENT = { 'x-forwarded-for': '198.51.100.10' };
const ATTACKER = { 'x-forwarded-for': '203.0.113.66' };

/** The most aliases the root-field limit accepts, then the largest `first` the cost budget accepts. */
async function worstAcceptedQuery(stack: Stack): Promise<{ query: string; aliases: number; first: number }> {
  const build = (aliases: number, first: number) =>
    `{ ${Array.from(
      { length: aliases },
      (_, i) =>
        `a${i}: events(first: ${first}) { edges { node { id title organizer { id name } ticketTypes { id name priceCents } } } }`,
    ).join(' ')} }`;
  // Searched from an address of its own, so the search spends no one's minute.
  const search = { 'x-forwarded-for': '203.0.113.200' };
  const accepted = async (aliases: number, first: number) =>
    !(await stack.gql(build(aliases, first), {}, { headers: search })).errors;
  let aliases = 1;
  while (aliases < 64 && (await accepted(aliases + 1, 1))) aliases++;
  let low = 1;
  let high = 100;
  if (!(await accepted(aliases, low))) throw new Error('no accepted query');
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (await accepted(aliases, mid)) low = mid;
    else high = mid - 1;
  }
  return { query: build(aliases, low), aliases, first: low };
}
