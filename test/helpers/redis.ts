import Redis from 'ioredis';
import { loadConfig } from '../../shared/config';

const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const PING_TIMEOUT_MS = 1_000;
/** Where globalSetup leaves the probed Redis URL for the test workers ('' when there is none). */
export const ENV_REDIS_URL = 'TEST_REDIS_URL';

/**
 * The Redis to test against: REDIS_URL, else 127.0.0.1:6379, if it answers PING within a
 * second; undefined when there is none. With CI=true Redis is part of the environment (.ci/run
 * starts it), so its absence rejects instead of skipping the tests that need it.
 */
export async function probeRedis(): Promise<string | undefined> {
  const url = loadConfig().REDIS_URL ?? LOCAL_REDIS;
  if (await ping(url)) return url;
  if (process.env.CI === 'true') throw new Error(`Redis at ${url} did not answer PING, and CI=true requires it`);
  return undefined;
}

/**
 * The Redis of this test run (probed once by globalSetup), or undefined on a machine without
 * one. Tests that only Redis can show use `describeWithRedis` / `testWithRedis`: without Redis
 * they are reported as skipped in jest's summary, never counted as passed.
 */
export const testRedisUrl: string | undefined = process.env[ENV_REDIS_URL] || undefined;
export function describeWithRedis(name: string, body: () => void): void {
  (testRedisUrl ? describe : describe.skip)(name, body);
}
export function testWithRedis(name: string, body: () => Promise<void>, timeoutMs?: number): void {
  (testRedisUrl ? test : test.skip)(name, body, timeoutMs);
}

let probed: Promise<string | undefined> | undefined;

/** For benchmarks and scripts that run outside jest: the same probe, once per process. */
export function redisUrlIfAvailable(): Promise<string | undefined> {
  if (process.env[ENV_REDIS_URL] !== undefined) return Promise.resolve(testRedisUrl);
  probed ??= probeRedis();
  return probed;
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PING_TIMEOUT_MS,
    commandTimeout: PING_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null, // one attempt, no reconnect loop
  });
  client.on('error', () => undefined); // reported through the rejected connect/ping below
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
