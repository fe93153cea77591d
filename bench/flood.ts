import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { eventOnSale, email } from '../test/helpers/commerce';
import type { Stack } from '../test/helpers/stack';
import { signUp } from '../test/helpers/users';
import { loadConfig } from '../shared/config';
import { flood, type FloodOrder, type FloodOutcomes } from './flood-generator';
import { intOption, quantile, withStack } from './harness';

/**
 * `npm run bench -- flood [--events 30] [--concurrency 16] [--seconds 15] [--in-process]`
 *
 * A normal client's latency while an anonymous caller floods the gateway with the worst query
 * it still accepts (hardening §1's target: p99 within 2x of idle). The worst query is found,
 * not guessed: as many aliased `events` lists with organizer and ticket types (a cross-subgraph
 * fan-out) as the root-field limit allows, each as long (`first`) as the cost budget accepts.
 * The normal client, signed in, reads one page of 10 events ten times a second: its p50/p99
 * idle, then during the flood, in the same run, and the ratio. The gateway runs with the
 * default cost per minute and trusts the bench as its proxy, so the flood (one address) and the
 * client (another) are told apart as they would be from two machines.
 *
 * The flood runs in a process of its own (bench/flood-generator.ts), as an attacker's would;
 * `--in-process` runs it in the benchmark's event loop instead, to see what that costs.
 * The load average is printed with the figures: on a shared machine they mean little without it.
 */
export default async function floodBench(args: string[]): Promise<void> {
  const eventCount = intOption(args, 'events', 30);
  const concurrency = intOption(args, 'concurrency', 16);
  const seconds = intOption(args, 'seconds', 15);
  const inProcess = args.includes('--in-process');

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
      const loadIdle = os.loadavg()[0]!;
      const order: FloodOrder = { url: stack.gateway.url, query: worst.query, headers: ATTACKER, concurrency };
      const flooder = inProcess ? floodInProcess(order) : await floodInChild(order);
      const loaded = await sample(seconds * 1000);
      const loadFlood = os.loadavg()[0]!;
      const outcomes = await flooder.stop();

      const line = (label: string, l: number[]) =>
        `${label.padEnd(22)} n ${String(l.length).padStart(5)}   p50 ${quantile(l, 0.5).toFixed(1)} ms   p99 ${quantile(l, 0.99).toFixed(1)} ms`;
      const total = Object.values(outcomes).reduce((sum, n) => sum + n, 0);
      console.log(line('normal client, idle', idle));
      console.log(line('normal client, flood', loaded));
      console.log(
        `flood (${inProcess ? 'in the benchmark process' : 'own process'}): ${concurrency} in flight, ` +
          `${total} requests, accepted ${outcomes.OK ?? 0}, refused RATE_LIMITED ${outcomes.RATE_LIMITED ?? 0}, ` +
          `outcomes ${JSON.stringify(outcomes)}`,
      );
      console.log(
        `p99 idle ${quantile(idle, 0.99).toFixed(1)} ms, flood ${quantile(loaded, 0.99).toFixed(1)} ms: ratio ` +
          `${(quantile(loaded, 0.99) / quantile(idle, 0.99)).toFixed(2)} (target <= 2); ` +
          `p50 ratio ${(quantile(loaded, 0.5) / quantile(idle, 0.5)).toFixed(2)}`,
      );
      console.log(
        `load average (1 min) ${loadIdle.toFixed(2)} after the idle sample, ${loadFlood.toFixed(2)} after the flood; ` +
          `${os.cpus().length} cores`,
      );
    },
    { costPerMinute, trustProxy: 'loopback' },
  );
}

interface Flooder {
  /** Ends the flood once the requests in flight are answered; their outcomes. */
  stop(): Promise<FloodOutcomes>;
}

function floodInProcess(order: FloodOrder): Flooder {
  let stopped = false;
  const outcomes = flood(order, () => stopped);
  return {
    stop() {
      stopped = true;
      return outcomes;
    },
  };
}

/** Resolves once the child flood is under way (its start-up is not part of the flood sample). */
async function floodInChild(order: FloodOrder): Promise<Flooder> {
  const child = fork(path.join(__dirname, 'flood-generator.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FLOOD_GENERATOR: '1' },
  });
  const messages: unknown[] = [];
  const waiters: { resolve(message: unknown): void; reject(err: Error): void }[] = [];
  let failure: Error | undefined;
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (messages.length) resolve(messages.shift());
      else if (failure) reject(failure);
      else waiters.push({ resolve, reject });
    });
  child.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message);
    else messages.push(message);
  });
  child.once('exit', (code) => {
    failure = new Error(`the flood generator exited (${code}) before answering`);
    for (const waiter of waiters.splice(0)) waiter.reject(failure);
  });
  await next(); // ready
  child.send(order);
  const outcomes = next() as Promise<FloodOutcomes>;
  return {
    stop() {
      child.send('stop');
      return outcomes;
    },
  };
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
  // Each probe from an address of its own (198.18.0.0/15, for benchmarks), so the search spends
  // no one's budget and only the operation's own cost limit can refuse a probe.
  let probes = 0;
  const accepted = async (aliases: number, first: number) => {
    const address = `198.18.${Math.floor(probes / 256)}.${probes++ % 256}`;
    return !(await stack.gql(build(aliases, first), {}, { headers: { 'x-forwarded-for': address } })).errors;
  };
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
