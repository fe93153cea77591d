/**
 * How the tests start each subgraph of the registry (shared/services.ts) in process: the one
 * factory table of the test stack (stack.ts) and the subgraph tier (subgraph.ts). A subgraph
 * is found by the shape every subgraph has: `subgraphs/<name>/src/server.ts` exports
 * `createServer(deps)`, and `src/workers.ts`, when it exists, `startWorkers(deps)`. What its
 * entry builds from the config (its registered needs) the tests build here from test values,
 * so a new subgraph needs no line in this file unless it declares a new kind of need.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateStoredKey, type SigningKey } from '../../shared/auth/keys';
import { loadConfig } from '../../shared/config';
import { supportSettings } from '../../subgraphs/support/src/settings';
import type { Worker } from '../../shared/events/bus';
import { serviceNamed, type Need, type SubgraphName } from '../../shared/services';
import type { SubgraphDeps, SubgraphServer } from '../../shared/subgraph';
import { gamificationSettings } from '../../subgraphs/gamification/src/settings';
import { mailSettings, type MailSettings } from '../../subgraphs/notifications/src/settings';
import { reportsSettings } from '../../subgraphs/reports/src/settings';
import { loadQrSigningKeys } from '../../subgraphs/tickets/src/domain/qr';
import type { LoginLimits } from '../../subgraphs/users/src/domain/auth-service';

export type { SubgraphName };

export const TOKEN_SETTINGS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };

/** Ticket QR signing keys of every test subgraph (tests forge codes with keys of their own). */
const TEST_QR_KEYS = loadQrSigningKeys({ json: JSON.stringify([generateStoredKey('ed25519')]) });

/**
 * Login and registration limits of test stacks: every test file registers and fails logins
 * from 127.0.0.1, far past the production defaults. Tests of the limits pass their own.
 */
const RELAXED_LOGIN_LIMITS: LoginLimits = {
  failuresPerAddress: 1_000_000,
  failuresPerAccount: 1_000_000,
  registrationsPerAddressHour: 1_000_000,
};

/** What a test hands every subgraph: the shared deps, and the keys its token verifier trusts. */
export interface TestSubgraphDeps extends SubgraphDeps {
  /** users: limits across accounts and addresses (RELAXED_LOGIN_LIMITS unless given). */
  loginLimits?: LoginLimits;
  /** Access-token signing keys: the users subgraph signs with the first one. */
  signingKeys: SigningKey[];
}

/**
 * The test value of each need, as the subgraph's `createServer` receives it. A missing
 * `payments` gives orders its default (mock provider) settings.
 */
const TEST_EXTRAS: Record<Need, (deps: TestSubgraphDeps) => object> = {
  database: () => ({}),
  jwtSigningKeys: (deps) => ({
    signingKeys: deps.signingKeys,
    tokens: TOKEN_SETTINGS,
    loginLimits: RELAXED_LOGIN_LIMITS,
  }),
  qrSigningKeys: () => ({ qrKeys: TEST_QR_KEYS }),
  paymentSettings: () => ({}),
  supportSettings: () => ({ settings: supportSettings(loadConfig({ NODE_ENV: 'test' })) }),
  gamificationSettings: () => ({
    settings: gamificationSettings(loadConfig({ NODE_ENV: 'test', RECEIPT_STORAGE_DIR: testReceiptStore() })),
  }),
  reportsSettings: () => ({ settings: reportsSettings(loadConfig({ NODE_ENV: 'test' })) }),
  // Stacks pass the SMTP URL of their own mailbox (stack.ts); elsewhere mail waits for a server.
  mailSettings: () => ({ mail: testMailSettings(UNREACHABLE_SMTP) }),
  // The gateway's alone (stack.ts gives it the key); no subgraph declares it.
  viewerCredentialKey: () => ({}),
};

/** Where a test without a mailbox sends mail: a port nothing listens on (attempts fail and retry). */
const UNREACHABLE_SMTP = 'smtp://127.0.0.1:9';

/** notifications' settings for a test, sending to `smtpUrl` and retrying fast. */
export function testMailSettings(smtpUrl: string): MailSettings {
  return {
    ...mailSettings(loadConfig({ NODE_ENV: 'test', SMTP_URL: smtpUrl, APP_URL: 'http://app.test' })),
    retryBaseMs: 200,
    retryMaxMs: 1_000,
    pollMs: 50,
    // Any hour of the day: a test's seller gets the day's digest as soon as a product is low.
    lowStock: { threshold: 5, hourUtc: 0, pollMs: 200 },
  };
}

let receiptStore: string | undefined;
/** The receipt files of this test process: a temporary folder, not the repository's `.data/`. */
export function testReceiptStore(): string {
  return (receiptStore ??= mkdtempSync(path.join(os.tmpdir(), 'receipts-')));
}

export interface SubgraphFactory {
  /** The subgraph's GraphQL server, as its entry builds it (not listening yet). */
  createServer(deps: TestSubgraphDeps): Promise<SubgraphServer>;
  /** The process's event workers (outbox relay, consumers, pollers); none without workers.ts. */
  startWorkers(deps: TestSubgraphDeps): Worker[];
}

type ServerModule = { createServer?(deps: SubgraphDeps): Promise<SubgraphServer> };
type WorkersModule = { startWorkers?(deps: SubgraphDeps): Worker[] };

const factories = new Map<SubgraphName, Promise<SubgraphFactory>>();

/** The factory of a registered subgraph, loaded once per test file. */
export function subgraphFactory(name: SubgraphName): Promise<SubgraphFactory> {
  let factory = factories.get(name);
  if (!factory) {
    factory = loadFactory(name);
    factories.set(name, factory);
  }
  return factory;
}

async function loadFactory(name: SubgraphName): Promise<SubgraphFactory> {
  const service = serviceNamed(name);
  const src = path.join(__dirname, '..', '..', 'subgraphs', name, 'src');
  const { createServer } = (await import(path.join(src, 'server'))) as ServerModule;
  if (typeof createServer !== 'function') throw new Error(`subgraphs/${name}/src/server.ts must export createServer`);
  const { startWorkers } = existsSync(path.join(src, 'workers.ts'))
    ? ((await import(path.join(src, 'workers'))) as WorkersModule)
    : {};
  // What a test put in the deps (e.g. its own settings) wins over the need's test value.
  const withExtras = (deps: TestSubgraphDeps): TestSubgraphDeps =>
    service.needs.reduce((all, need) => ({ ...TEST_EXTRAS[need](all), ...all }), deps);
  return {
    createServer: (deps) => createServer(withExtras(deps)),
    startWorkers: (deps) => startWorkers?.(withExtras(deps)) ?? [],
  };
}
