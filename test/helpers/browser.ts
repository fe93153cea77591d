import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium as root in a container, with no network of its own to call. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why Chromium cannot be used here (undefined: it starts). Probed once, when a test file loads
 * (jest registers tests synchronously), by running it headless on a blank page.
 */
function probeChromium(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  try {
    execFileSync(CHROMIUM, [...CHROMIUM_ARGS, '--dump-dom', 'about:blank'], { stdio: 'pipe', timeout: 60_000 });
    return undefined;
  } catch (err) {
    return `${CHROMIUM} did not start: ${(err as Error).message.split('\n')[0]}`;
  }
}

/**
 * `describe` for tests that drive a real browser: without one they are reported as skipped
 * (and the reason printed), never passed; with CI=true the browser is part of the environment,
 * so its absence fails the file instead.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  const unavailable = probeChromium();
  if (unavailable && process.env.CI === 'true') throw new Error(`${unavailable}, and CI=true requires it`);
  if (unavailable) {
    console.warn(`skipped "${name}": ${unavailable}`);
    describe.skip(`${name} (skipped: ${unavailable})`, body);
  } else describe(name, body);
}

/** Chromium driven by Playwright. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
