import type { AddressInfo } from 'node:net';
import express from 'express';
import { metricsRoute, type MetricsAccess } from '../../shared/metrics';

/** GET /metrics of an app serving only that route, with these access rules. */
async function scrape(access: MetricsAccess, authorization?: string): Promise<number> {
  const app = express();
  app.get('/metrics', metricsRoute(access));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: authorization ? { authorization } : {},
    });
    await res.text();
    return res.status;
  } finally {
    server.close();
  }
}

const TOKEN = 'scraper-token-0123456789';

test('open in development, absent in production unless a scraper token is configured', async () => {
  expect(await scrape({ token: undefined, isProduction: false })).toBe(200);
  expect(await scrape({ token: undefined, isProduction: true })).toBe(404);
});

test('with a token, only a scraper presenting it is served', async () => {
  for (const isProduction of [false, true]) {
    expect(await scrape({ token: TOKEN, isProduction })).toBe(401);
    expect(await scrape({ token: TOKEN, isProduction }, `Bearer ${TOKEN}x`)).toBe(401);
    expect(await scrape({ token: TOKEN, isProduction }, `Bearer ${TOKEN}`)).toBe(200);
  }
});
