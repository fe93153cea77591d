import Redis from 'ioredis';
import { loadConfig } from '../../shared/config';

const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const PING_TIMEOUT_MS = 1_000;

let available: Promise<string | undefined> | undefined;

/**
 * The Redis to test against: REDIS_URL, else 127.0.0.1:6379, if it answers PING within a
 * second; undefined when there is none. Tests then run over the in-process/Postgres transports
 * instead, or, for what only Redis can show (several instances), end early on a bare machine:
 *
 *   const redisUrl = await redisUrlIfAvailable();
 *   if (!redisUrl) return;
 *
 * Rule: with CI=true, Redis is part of the environment (.ci/ provides it), so its absence
 * rejects instead of silently skipping the tests that need it. Probed once per worker.
 */
export function redisUrlIfAvailable(): Promise<string | undefined> {
  available ??= (async () => {
    const url = loadConfig().REDIS_URL ?? LOCAL_REDIS;
    if (await ping(url)) return url;
    if (process.env.CI === 'true') {
      throw new Error(`Redis at ${url} did not answer PING, and CI=true requires it`);
    }
    return undefined;
  })();
  return available;
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
