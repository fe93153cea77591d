import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { intOption, quantile } from './harness';
import type { Command, Reply } from './subscriptions-gateway';

/**
 * `npm run bench -- subscriptions [--subscribers 5000] [--events 20] [--interval-ms 100]
 *  [--cross] [--auth]`
 *
 * N WebSocket clients (graphql-ws, one connection each) subscribe to the same counter on one
 * gateway; M events are published at the given interval. The gateway and its two subgraphs run
 * in a child process (bench/subscriptions-gateway.ts), so its memory is measured alone.
 * - `--cross`: the payload also asks for a field of another subgraph (one entity fetch per
 *   event per subscriber).
 * - `--auth`: each subscriber has its own token (no upstream sharing; the session is re-checked
 *   per event); default anonymous, so all share one upstream subscription.
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

    const started = performance.now();
    let allConnected!: () => void;
    const connectedPromise = new Promise<void>((resolve) => (allConnected = resolve));
    for (let i = 0; i < subscribers; i++) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: auth ? { authorization: `Bearer ${tokens[i]}` } : {},
        retryAttempts: 0,
        on: { connected: () => ++connected === subscribers && allConnected() },
      });
      clients.push(client);
      client.subscribe<{ counter: { n: number } }>(
        { query, variables: { room } },
        {
          next: ({ data, errors }) => {
            if (errors) throw new Error(JSON.stringify(errors));
            const n = data!.counter.n;
            if (n === 0) return void probed.add(i);
            const now = performance.now();
            latencies.push(now - sentAt.get(n)!);
            lastReceipt = now;
          },
          error: (err) => {
            failures++;
            const code =
              typeof err === 'object' && err !== null && 'code' in err
                ? `close ${String(err.code)}`
                : JSON.stringify(err);
            if (failures <= 5) console.error(`subscriber ${i} failed: ${code}`);
          },
          complete: () => undefined,
        },
      );
    }
    await connectedPromise;
    const connectMs = performance.now() - started;
    // Every upstream subscription is served by the subgraph, then a probe event (n = 0)
    // reaches every subscriber: all are live.
    const expectedUpstream = auth ? subscribers : 1;
    while ((await ask({ type: 'memory' }, 'memory')).subgraphListeners < expectedUpstream) {
      await new Promise((r) => setTimeout(r, 200));
    }
    while (probed.size < subscribers) {
      await ask({ type: 'publish', room, n: 0 }, 'published');
      const waitUntil = Date.now() + 5000;
      while (probed.size < subscribers && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 50));
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
    while (latencies.length < subscribers * events && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const sorted = [...latencies].sort((a, b) => a - b);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    console.log(
      `subscriptions: ${subscribers} subscribers, ${events} events every ${intervalMs} ms${cross ? ', cross-subgraph field' : ''}${auth ? ', one token each' : ', anonymous'}`,
    );
    console.log(`  connect (all acknowledged):     ${connectMs.toFixed(0)} ms`);
    console.log(`  ready (all receiving events):   ${readyMs.toFixed(0)} ms`);
    console.log(`  upstream subscriptions:         ${loaded.upstreamSubscriptions}`);
    console.log(
      `  delivered:                      ${latencies.length} / ${subscribers * events} (${failures} subscribers dropped)`,
    );
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
