import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { intOption, quantile } from './harness';
import type { Command, Reply } from './subscriptions-gateway';

/** Subscribers connecting at once. */
const CONNECT_WAVE = 250;

/**
 * `npm run bench -- subscriptions [--subscribers 5000] [--events 20] [--interval-ms 100]
 *  [--cross] [--auth]`
 *
 * N WebSocket clients (graphql-ws, one connection each) subscribe to the same counter on one
 * gateway; M events are published at the given interval. The gateway and its two subgraphs run
 * in a child process (bench/subscriptions-gateway.ts), so its memory is measured alone.
 * - `--cross`: the payload also asks for a field of another subgraph (one entity fetch per
 *   event per subscriber).
 * - `--auth`: each subscriber has its own token, so its own upstream subscription (no upstream
 *   sharing; events read no session); default anonymous, so all share one upstream subscription.
 *
 * Subscribers connect in waves of 250 (each wave acknowledged before the next), so a connect
 * storm does not trip graphql-ws's 3 s `connection_init` deadline; a subscriber that fails
 * anyway is counted as dropped and the rest are measured.
 *
 * Prints: connect time, time until every subscriber receives events, delivery latency p50/p99
 * (from the publish command to the client's receipt; clients run in this process, so their
 * CPU competes too), deliveries per second, and the gateway's memory per subscriber.
 */
export default async function subscriptions(args: string[]): Promise<void> {
  const subscribers = intOption(args, 'subscribers', 5000);
  const events = intOption(args, 'events', 20);
  const intervalMs = intOption(args, 'interval-ms', 100);
  const cross = args.includes('--cross');
  const auth = args.includes('--auth');

  const child = fork(path.join(__dirname, 'subscriptions-gateway.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
  });
  const ask = <T extends Reply['type']>(command: Command | null, type: T): Promise<Extract<Reply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: Reply) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<Reply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the gateway process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (command) child.send(command);
    });

  const clients: Client[] = [];
  try {
    const { wsUrl } = await ask(null, 'ready');
    const tokens = auth ? (await ask({ type: 'tokens', count: subscribers }, 'tokens')).tokens : [];
    const baseline = await ask({ type: 'memory' }, 'memory');
    const room = 'bench';
    const query = `subscription ($room: ID!) { counter(room: $room) { n${cross ? ' double' : ''} } }`;
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const probed = new Set<number>();
    let lastReceipt = 0;
    let connected = 0;
    let failures = 0;
    /** Events that came with errors (a subgraph timing out...): not counted as delivered. */
    let erroredEvents = 0;
    let firstError: string | undefined;

    const started = performance.now();
    /** Subscribers acknowledged or failed, so a wave is awaited until each has one outcome. */
    let settled = 0;
    let onSettled = () => undefined as void;
    const settle = () => {
      settled++;
      onSettled();
    };
    const untilSettled = (count: number) =>
      new Promise<void>((resolve) => {
        onSettled = () => settled >= count && resolve();
        onSettled();
      });
    for (let i = 0; i < subscribers; i++) {
      let acknowledged = false;
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: auth ? { authorization: `Bearer ${tokens[i]}` } : {},
        retryAttempts: 0,
        on: {
          connected: () => {
            acknowledged = true;
            connected++;
            settle();
          },
        },
      });
      clients.push(client);
      client.subscribe<{ counter: { n: number } }>(
        { query, variables: { room } },
        {
          next: ({ data, errors }) => {
            if (errors) {
              firstError ??= JSON.stringify(errors);
              return void erroredEvents++;
            }
            const n = data!.counter.n;
            if (n === 0) return void probed.add(i);
            const now = performance.now();
            latencies.push(now - sentAt.get(n)!);
            lastReceipt = now;
          },
          error: (err) => {
            failures++;
            if (!acknowledged) settle();
            const code =
              typeof err === 'object' && err !== null && 'code' in err
                ? `close ${String(err.code)}`
                : err instanceof Error
                  ? err.message
                  : JSON.stringify(err);
            if (failures <= 5) console.error(`subscriber ${i} failed: ${code}`);
          },
          complete: () => undefined,
        },
      );
      if ((i + 1) % CONNECT_WAVE === 0 || i + 1 === subscribers) await untilSettled(i + 1);
    }
    const connectMs = performance.now() - started;
    // Every upstream subscription is served by the subgraph, then a probe event (n = 0)
    // reaches every subscriber: all are live.
    const live = () => subscribers - failures;
    console.error(`  … ${connected} connected, ${failures} failed in ${connectMs.toFixed(0)} ms`);
    for (;;) {
      const { subgraphListeners } = await ask({ type: 'memory' }, 'memory');
      if (subgraphListeners >= (auth ? live() : 1)) break;
      console.error(`  … ${subgraphListeners} upstream subscriptions served of ${auth ? live() : 1}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    while (probed.size < live()) {
      console.error(`  … probing: ${probed.size} of ${live()} subscribers received an event`);
      await ask({ type: 'publish', room, n: 0 }, 'published');
      const waitUntil = Date.now() + 5000;
      while (probed.size < live() && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 50));
    }
    const readyMs = performance.now() - started;
    const loaded = await ask({ type: 'memory' }, 'memory');

    const firstPublish = performance.now();
    for (let n = 1; n <= events; n++) {
      sentAt.set(n, performance.now());
      await ask({ type: 'publish', room, n }, 'published');
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    const deadline = Date.now() + 120_000;
    while (latencies.length < live() * events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const sorted = [...latencies].sort((a, b) => a - b);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    console.log(
      `subscriptions: ${subscribers} subscribers, ${events} events every ${intervalMs} ms${cross ? ', cross-subgraph field' : ''}${auth ? ', one token each' : ', anonymous'}`,
    );
    console.log(
      `  load average (1/5/15 min):      ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
    );
    console.log(`  connect (all settled, waves):   ${connectMs.toFixed(0)} ms`);
    console.log(`  ready (all receiving events):   ${readyMs.toFixed(0)} ms`);
    console.log(`  upstream subscriptions:         ${loaded.upstreamSubscriptions}`);
    console.log(
      `  delivered:                      ${latencies.length} / ${subscribers * events} (${failures} subscribers dropped)`,
    );
    if (erroredEvents) console.log(`  events with errors:             ${erroredEvents} (first: ${firstError})`);
    console.log(
      `  latency p50 / p99 / max:        ${quantile(sorted, 0.5).toFixed(1)} / ${quantile(sorted, 0.99).toFixed(1)} / ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
    );
    console.log(
      `  deliveries per second:          ${(latencies.length / ((lastReceipt - firstPublish) / 1000)).toFixed(0)}`,
    );
    console.log(
      `  gateway process heap:           ${mb(baseline.heapUsed)} → ${mb(loaded.heapUsed)} (${((loaded.heapUsed - baseline.heapUsed) / subscribers / 1024).toFixed(1)} KB per subscriber)`,
    );
    console.log(
      `  gateway process RSS:            ${mb(baseline.rss)} → ${mb(loaded.rss)} (${((loaded.rss - baseline.rss) / subscribers / 1024).toFixed(1)} KB per subscriber)`,
    );
  } finally {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await stop(child);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'stop' } satisfies Command);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
