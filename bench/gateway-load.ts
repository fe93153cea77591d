/**
 * The load of `npm run bench -- gateway`: `connections` keep-alive connections, each sending
 * one POST after another for `seconds`, counted as answered (HTTP 200 without `errors`) or not.
 *
 * Forked by bench/gateway.ts (GATEWAY_LOAD=1), it runs in a process of its own so its request
 * building and reading do not share an event loop with the subgraphs (the benchmark's process)
 * or the gateway it measures. Each IPC message is a `LoadOrder`; each is answered with its
 * `LoadResult`.
 */
import { Pool } from 'undici';
import { quantile } from './harness';

export interface LoadOrder {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first failure, to tell a broken setup from a slow one. */
  firstError?: string;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

export async function load(order: LoadOrder): Promise<LoadResult> {
  const url = new URL(order.url);
  const pool = new Pool(url.origin, { connections: order.connections });
  const headers = { 'content-type': 'application/json', ...order.headers };
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const fail = (reason: string) => {
    errors++;
    firstError ??= reason;
  };
  const started = performance.now();
  const until = started + order.seconds * 1000;
  await Promise.all(
    Array.from({ length: order.connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const response = await pool.request({ path: url.pathname, method: 'POST', headers, body: order.body });
          const text = await response.body.text();
          // A substring test, not a parse: parsing every answer would make this process the bottleneck.
          if (response.statusCode !== 200) fail(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
          else if (text.includes('"errors"')) fail(text.slice(0, 300));
        } catch (err) {
          fail((err as Error).message);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    firstError,
    seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}

if (process.env.GATEWAY_LOAD === '1' && process.send) {
  process.on('message', (order: LoadOrder) => {
    void load(order).then((result) => process.send!(result));
  });
  process.send('ready');
}
