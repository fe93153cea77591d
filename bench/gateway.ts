import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { checkout, eventOnSale, newAccount } from '../test/helpers/commerce';
import type { Stack } from '../test/helpers/stack';
import type { LoadOrder, LoadResult } from './gateway-load';
import { intOption, stringOption, withStack } from './harness';

/**
 * `npm run bench -- gateway [--seconds 10] [--rounds 3] [--connections 50] [--events 10]
 *   [--orders 5] [--gateways ours,stock,hive] [--cpu-prof DIR]`
 *
 * This gateway against its peers on the same subgraphs (issue 15 §2): a stock `@apollo/gateway`
 * with `@apollo/server` and nothing added (bench/gateway-stock.ts), and Hive Gateway with its
 * defaults (bench/gateway-hive.ts), each in a process of its own, all three serving the same
 * supergraph (the committed one, routed to this stack's subgraphs). This gateway runs as
 * deployed (gateway/src/index.ts: its limits, access log, metrics, credential); only the cost
 * per minute is unlimited, since the benchmark is one user sending thousands a minute.
 *
 * Two queries: an authenticated cross-subgraph one (one user's orders, their lines, ticket
 * types and events: users, orders, tickets in sequence) and a public one (events with venue and
 * ticket types, all tickets'), the public one also sent to the tickets subgraph directly. Each
 * target gets a warm-up, then `rounds` rounds of `seconds` each, interleaved (A B C A B C), at
 * `connections` keep-alive connections from a load process of its own (bench/gateway-load.ts).
 * Printed: requests/s, p50, p99 (medians of the rounds), errors, each gateway's peak RSS and
 * CPU per request (from /proc), and the ratios against the issue's goals. The subgraphs run in
 * this process, so a gateway that needs fewer subgraph fetches leaves them more CPU.
 *
 * With `--cpu-prof DIR` this gateway writes a V8 CPU profile there when it stops (open it in
 * Chrome's DevTools or speedscope).
 */
export default async function gatewayBench(args: string[]): Promise<void> {
  const seconds = intOption(args, 'seconds', 10);
  const rounds = intOption(args, 'rounds', 3);
  const connections = intOption(args, 'connections', 50);
  const eventCount = intOption(args, 'events', 10);
  const orderCount = intOption(args, 'orders', 5);
  const only = stringOption(args, 'gateways')?.split(',');
  const cpuProfileDir = stringOption(args, 'cpu-prof');

  await withStack(async (stack) => {
    const { token } = await seed(stack, eventCount, orderCount);
    const supergraphPath = routedSupergraph(stack);
    console.log(`gateway logs in ${path.dirname(path.dirname(supergraphPath))}`);

    const gateways: Gateway[] = [];
    const load = await loadProcess();
    try {
      const all: [string, () => Promise<Gateway>][] = [
        ['ours', async () => startOurs(stack, await freePort(OURS_PORT), supergraphPath, cpuProfileDir)],
        ['stock', async () => startScript('stock', 'gateway-stock.ts', await freePort(STOCK_PORT), supergraphPath)],
        ['hive', async () => startScript('hive', 'gateway-hive.ts', await freePort(HIVE_PORT), supergraphPath)],
      ];
      for (const [name, start] of all) if (!only || only.includes(name)) gateways.push(await start());

      const tickets = stack.subgraphs.tickets!;
      const targets = {
        authenticated: gateways.map((g): Target => ({ ...g, headers: { authorization: `Bearer ${token}` } })),
        public: [
          ...gateways.map((g): Target => ({ ...g, headers: {} })),
          { name: 'direct (tickets)', url: tickets.url, headers: {} } satisfies Target,
        ],
      };
      const queries = { authenticated: AUTHENTICATED, public: PUBLIC } as const;
      console.log(
        `gateway bench: ${connections} connections, ${rounds} rounds of ${seconds} s interleaved, ` +
          `${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}`,
      );
      const figures: Record<string, Figures[]> = {};
      for (const kind of ['authenticated', 'public'] as const) {
        const body = JSON.stringify({ query: queries[kind] });
        await sameAnswers(targets[kind], body);
        figures[kind] = await measure(load, targets[kind], body, { seconds, rounds, connections });
        print(kind === 'authenticated' ? 'authenticated cross-subgraph query' : 'public query', figures[kind]);
        const ours = gateways.find((g) => g.name === 'ours');
        if (ours) console.log(`  ours after the rounds: ${await memoryOf(ours)}`);
      }
      printRatios(figures);
    } finally {
      load.child.kill();
      for (const g of gateways) await stop(g);
    }
  });
}

/** One user's orders → lines → ticket type → event: users, then orders, then tickets. */
const AUTHENTICATED = `{
  me {
    id email name
    orders(first: 20) {
      totalCount
      edges { node { id status totalCents currency lines {
        id quantity unitPriceCents
        ticketType { id name priceCents currency event { id title startsAt venue { name city } } }
      } } }
    }
  }
}`;

/** Published events with their venue and ticket types: all the tickets subgraph's. */
const PUBLIC = `{
  events(first: 20) {
    edges { node {
      id title description startsAt endsAt timezone
      venue { name address city country }
      ticketTypes { id name priceCents currency capacity maxPerOrder }
    } }
  }
}`;

const OURS_PORT = 4100;
const STOCK_PORT = 4101;
const HIVE_PORT = 4102;

interface Gateway {
  name: string;
  url: string;
  child: ChildProcess;
  /** Resident set size once serving, before any load, in bytes. */
  startRss: number;
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  child?: ChildProcess;
  startRss?: number;
}

interface Figures {
  name: string;
  rounds: LoadResult[];
  startRss?: number;
  /** Peak resident set size while loaded, in bytes (gateways only). */
  peakRss?: number;
  /** CPU time of the gateway process per answered request, in ms. */
  cpuMsPerRequest?: number;
}

/** An organizer's events on sale, and a buyer with `orderCount` orders of two lines each; the buyer's token. */
async function seed(stack: Stack, eventCount: number, orderCount: number): Promise<{ token: string }> {
  const organizer = await newAccount(stack, 'bench-organizer', ['ORGANIZER']);
  const events = [];
  for (let i = 0; i < eventCount; i++) {
    events.push(await eventOnSale(stack, organizer, [{ name: 'Standard' }, { name: 'VIP' }], `Bench night ${i}`));
  }
  const buyer = await newAccount(stack, 'bench-buyer');
  for (let i = 0; i < orderCount; i++) {
    const [standard, vip] = events[i % events.length]!.ticketTypeIds;
    await checkout(stack, buyer.accessToken, [
      { ticketTypeId: standard!, quantity: 2 },
      { ticketTypeId: vip!, quantity: 1 },
    ]);
  }
  return { token: buyer.accessToken };
}

/** The committed supergraph with each subgraph's routing URL pointed at this stack's, in a file. */
function routedSupergraph(stack: Stack): string {
  const sdl = readFileSync(path.join(__dirname, '../schema/supergraph.graphql'), 'utf8').replace(
    /@join__graph\(name: "([a-z]+)", url: "[^"]*"\)/g,
    (_match, name: string) => {
      const subgraph = stack.subgraphs[name];
      if (!subgraph) throw new Error(`the stack runs no subgraph ${name}`);
      return `@join__graph(name: "${name}", url: "${subgraph.url}")`;
    },
  );
  // A directory of its own: Hive Gateway watches the supergraph's directory and reloads the
  // schema on any change there, so the gateways' logs must not be written beside it.
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-')), 'supergraph');
  mkdirSync(dir);
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(file, sdl);
  return file;
}

/** This gateway as its process entry runs it, configured through the environment. */
function startOurs(
  stack: Stack,
  port: number,
  supergraphPath: string,
  cpuProfileDir: string | undefined,
): Promise<Gateway> {
  const users = stack.users.url.replace(/\/graphql$/, '');
  const child = fork(path.join(__dirname, '../gateway/src/index.ts'), [], {
    execArgv: ['--import', 'tsx', ...(cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [])],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: stack.databaseUrl,
      JWKS_URL: `${users}/.well-known/jwks.json`,
      SUPERGRAPH_PATH: supergraphPath,
      VIEWER_CREDENTIAL_SIGNING_KEY: stack.credentialSigningKey,
      MAX_QUERY_COST_PER_MINUTE: String(Number.MAX_SAFE_INTEGER),
      MAX_QUERY_COST_PER_MINUTE_ANONYMOUS: String(Number.MAX_SAFE_INTEGER),
    },
    stdio: outputTo(supergraphPath, 'ours'),
  });
  return untilServing('ours', `http://127.0.0.1:${port}/graphql`, child);
}

function startScript(name: string, script: string, port: number, supergraphPath: string): Promise<Gateway> {
  const child = fork(path.join(__dirname, script), [String(port), supergraphPath], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: outputTo(supergraphPath, name),
  });
  return untilServing(name, `http://127.0.0.1:${port}/graphql`, child);
}

/**
 * A gateway's stdout and stderr, to a file above the supergraph's directory: this
 * gateway writes its access log there as deployed, one line per request.
 */
function outputTo(supergraphPath: string, name: string): ['ignore', number, number, 'ipc'] {
  const fd = openSync(path.join(path.dirname(path.dirname(supergraphPath)), `${name}.log`), 'w');
  return ['ignore', fd, fd, 'ipc'];
}

const answers = (url: string): Promise<boolean> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  }).then(
    (res) => res.ok,
    () => false,
  );

/** Refuses a port something already serves (a gateway left over from an earlier run would be measured instead). */
async function freePort(port: number): Promise<number> {
  if (await answers(`http://127.0.0.1:${port}/graphql`)) throw new Error(`port ${port} is already served`);
  return port;
}

/** Resolves once the gateway answers a query; rejects if it exits first or takes a minute. */
async function untilServing(name: string, url: string, child: ChildProcess): Promise<Gateway> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `gateway ${name} exited (${child.exitCode}) before serving; see ${name}.log above the supergraph's directory`,
      );
    }
    if (await answers(url)) return { name, url, child, startRss: processUsage(child.pid!).rss };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error(`gateway ${name} did not serve within a minute`);
}

async function stop(gateway: Gateway): Promise<void> {
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
  gateway.child.kill('SIGTERM');
  await exited;
}

interface LoadProcess {
  child: ChildProcess;
  run(order: LoadOrder): Promise<LoadResult>;
}

async function loadProcess(): Promise<LoadProcess> {
  const child = fork(path.join(__dirname, 'gateway-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, GATEWAY_LOAD: '1' },
  });
  let waiting: { resolve(message: unknown): void; reject(err: Error): void } | undefined;
  child.on('message', (message) => {
    const w = waiting;
    waiting = undefined;
    w?.resolve(message);
  });
  child.once('exit', (code) => waiting?.reject(new Error(`the load process exited (${code})`)));
  const next = () => new Promise<unknown>((resolve, reject) => (waiting = { resolve, reject }));
  await next(); // ready
  return {
    child,
    run(order) {
      const answer = next() as Promise<LoadResult>;
      child.send(order);
      return answer;
    },
  };
}

/**
 * Every target answers the same data without errors, so the figures compare the same work. A
 * gateway's first answers may fail while it warms up (Hive's first ones did, now and then, on a
 * busy machine), so each gets a few tries.
 */
async function sameAnswers(targets: Target[], body: string): Promise<void> {
  let reference: unknown;
  for (const target of targets) {
    let answer: { data?: unknown; errors?: unknown } = {};
    for (let attempt = 1; attempt <= 5; attempt++) {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body,
      });
      answer = (await res.json()) as typeof answer;
      if (!answer.errors && answer.data) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (answer.errors || !answer.data) throw new Error(`${target.name} answered ${JSON.stringify(answer)}`);
    if (reference === undefined) reference = answer.data;
    else if (!isDeepStrictEqual(answer.data, reference)) {
      throw new Error(`${target.name} answered other data: ${JSON.stringify(answer.data).slice(0, 500)}`);
    }
  }
}

/** Where this gateway's memory is, from its /metrics (prom-client's process and Node.js figures). */
async function memoryOf(gateway: Gateway): Promise<string> {
  const text = await (await fetch(new URL('/metrics', gateway.url))).text();
  const mb = (name: string) => {
    const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
    return value === undefined ? '?' : `${(Number(value) / 2 ** 20).toFixed(0)} MB`;
  };
  return (
    `RSS ${mb('process_resident_memory_bytes')}, heap used ${mb('nodejs_heap_size_used_bytes')} of ` +
    `${mb('nodejs_heap_size_total_bytes')}, external ${mb('nodejs_external_memory_bytes')}`
  );
}

/** /proc/<pid>: resident set size in bytes, and user + system CPU time in ms. */
function processUsage(pid: number): { rss: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in
  // clock ticks (USER_HZ, 100 on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rss: rssKb * 1024, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
}

async function measure(
  load: LoadProcess,
  targets: Target[],
  body: string,
  options: { seconds: number; rounds: number; connections: number },
): Promise<Figures[]> {
  const figures: Figures[] = targets.map((t) => ({ name: t.name, rounds: [], startRss: t.startRss }));
  const cpu = targets.map(() => 0);
  const order = (target: Target, seconds: number): LoadOrder => ({
    url: target.url,
    body,
    headers: target.headers,
    connections: options.connections,
    seconds,
  });
  // Warm-up: JIT, plan caches, connection pools.
  for (const target of targets) await load.run(order(target, Math.min(3, options.seconds)));
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const pid = target.child?.pid;
      const before = pid ? processUsage(pid) : undefined;
      let peak = 0;
      const sampler = pid ? setInterval(() => (peak = Math.max(peak, processUsage(pid).rss)), 250) : undefined;
      const result = await load.run(order(target, options.seconds));
      clearInterval(sampler);
      figures[i]!.rounds.push(result);
      if (pid && before) {
        const after = processUsage(pid);
        peak = Math.max(peak, after.rss);
        figures[i]!.peakRss = Math.max(figures[i]!.peakRss ?? 0, peak);
        cpu[i]! += after.cpuMs - before.cpuMs;
      }
    }
  }
  for (const [i, f] of figures.entries()) {
    const answered = f.rounds.reduce((sum, r) => sum + r.requests - r.errors, 0);
    if (targets[i]!.child && answered > 0) f.cpuMsPerRequest = cpu[i]! / answered;
  }
  return figures;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const rps = (f: Figures) => median(f.rounds.map((r) => r.requests / r.seconds));

function print(title: string, figures: Figures[]): void {
  console.log(`\n${title}`);
  console.log(
    `${'target'.padEnd(18)}${'req/s per round'.padEnd(24)}${'median'.padStart(8)}${'p50 ms'.padStart(9)}` +
      `${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'peak RSS'.padStart(10)}${'CPU ms/req'.padStart(12)}`,
  );
  for (const f of figures) {
    const perRound = f.rounds.map((r) => (r.requests / r.seconds).toFixed(0)).join(' ');
    const errors = f.rounds.reduce((sum, r) => sum + r.errors, 0);
    console.log(
      `${f.name.padEnd(18)}${perRound.padEnd(24)}${rps(f).toFixed(0).padStart(8)}` +
        `${median(f.rounds.map((r) => r.p50Ms))
          .toFixed(1)
          .padStart(9)}` +
        `${median(f.rounds.map((r) => r.p99Ms))
          .toFixed(1)
          .padStart(9)}${String(errors).padStart(8)}` +
        `${(f.peakRss ? `${(f.peakRss / 2 ** 20).toFixed(0)} MB` : '-').padStart(10)}` +
        `${(f.cpuMsPerRequest?.toFixed(2) ?? '-').padStart(12)}`,
    );
    const firstError = f.rounds.find((r) => r.firstError)?.firstError;
    if (firstError) console.log(`  first error: ${firstError}`);
  }
}

function printRatios(figures: Record<string, Figures[]>): void {
  const find = (kind: string, name: string) => figures[kind]?.find((f) => f.name === name);
  const ratio = (a: Figures | undefined, b: Figures | undefined, goal: string) =>
    a && b ? `${(rps(a) / rps(b)).toFixed(2)}x (goal ${goal})` : 'not measured';
  console.log('\nratios (median requests/s)');
  console.log(
    `  authenticated: ours/stock ${ratio(find('authenticated', 'ours'), find('authenticated', 'stock'), '>= 3')}, ` +
      `ours/hive ${ratio(find('authenticated', 'ours'), find('authenticated', 'hive'), '>= 1.2')}`,
  );
  console.log(
    `  public: ours/stock ${ratio(find('public', 'ours'), find('public', 'stock'), '-')}, ` +
      `ours/hive ${ratio(find('public', 'ours'), find('public', 'hive'), '-')}, ` +
      `ours/direct ${ratio(find('public', 'ours'), find('public', 'direct (tickets)'), '>= 0.6')}`,
  );
  for (const f of figures.authenticated ?? []) {
    if (f.startRss) console.log(`  ${f.name}: RSS ${(f.startRss / 2 ** 20).toFixed(0)} MB once serving, before load`);
  }
  const peak = (name: string) =>
    Math.max(...Object.values(figures).map((fs) => fs.find((f) => f.name === name)?.peakRss ?? 0));
  const ours = peak('ours');
  const stock = peak('stock');
  if (ours && stock) {
    console.log(
      `  memory: peak RSS ours ${(ours / 2 ** 20).toFixed(0)} MB / stock ${(stock / 2 ** 20).toFixed(0)} MB = ` +
        `${(ours / stock).toFixed(2)}x (goal <= 1.3)` +
        (peak('hive') ? `; hive ${(peak('hive') / 2 ** 20).toFixed(0)} MB` : ''),
    );
  }
}
