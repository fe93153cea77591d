import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPrisma, type Db } from '../../../../shared/db';
import { createLogger } from '../../../../shared/logger';
import { pubsubFor } from '../../../../shared/realtime/pubsub';
import { freePort } from '../../../../scripts/embedded-postgres';
import { childEnv } from '../../../../test/helpers/child-env';
import { eventually } from '../../../../test/helpers/eventually';
import { processNextReceipt } from '../../src/domain/receipts/processor';
import { ReceiptUpdates } from '../../src/domain/receipts/updates';
import type { ReceiptSettings } from '../../src/receipt-settings';
import { DEFAULT_SETTINGS } from '../../src/settings';
import { LocalFileStorage } from '../../src/storage';
import { rule, standing } from '../fixtures';
import { startGamification, type GamificationHarness } from '../helpers';
import { API_KEY, modelReading, startFakeGemini, type FakeGemini } from './fake-gemini';
import { receiptImage } from './images';
import { decided, submitReceipt, testReceiptSettings } from './submit';

/**
 * The receipt worker under failure and concurrency, on one database:
 * - a real gamification process (its entry, `src/index.ts`) killed with SIGKILL while it holds a
 *   receipt: a second process takes it once the lease ran out and processes it once, and the
 *   points are awarded once;
 * - a worker that stalls past its lease (alive, not dead): the receipt is taken over, and the
 *   stalled worker's late result changes nothing;
 * - several workers, each with a Prisma client (connections) of its own, settling the same
 *   receipt at the same moment (the model's answers held until all of them asked): one
 *   APPROVED, the others DUPLICATE.
 * OCR is off: the local Gemini stand-in is the only reader, and its answers are the test's clock.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const LEASE_MS = 2500;
let g: GamificationHarness;
let model: FakeGemini;
const clients: Db[] = [];
const settings = (overrides: Partial<ReceiptSettings> = {}) =>
  testReceiptSettings({
    ocr: false,
    leaseMs: LEASE_MS,
    hostedModel: {
      provider: 'gemini',
      apiKey: API_KEY,
      baseUrl: model.baseUrl,
      model: 'gemini-2.5-flash',
      timeoutMs: 60_000,
    },
    ...overrides,
  });

beforeAll(async () => {
  model = await startFakeGemini();
  // No workers in this process: the receipt workers are the processes and clients each test starts.
  g = await startGamification({ workers: false, settings: { receipts: settings() } });
  await rule(g, { name: 'Ticket de compra', trigger: 'RECEIPT_APPROVED', fixedPoints: 5, pointsPerUnit: 1 });
}, 60_000);
afterAll(async () => {
  model?.release();
  for (const db of clients) await db.$disconnect();
  await g?.stop();
  await model?.close();
});

const today = () =>
  new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate(), 9, 15));
const reading = (receiptNumber: string, total = 12.5) => ({
  json: modelReading({ receiptNumber, purchasedAt: today(), total }),
});
let n = 0;
const picture = () => receiptImage({ lines: ['SUPERMERCADOS LUNA S.L.', `Ticket ${++n}`, 'TOTAL 12,50 EUR'] });
const approvedEvents = (receiptId: string) =>
  g.db.outboxEvent.count({ where: { type: 'ReceiptApproved', payload: { path: ['receiptId'], equals: receiptId } } });

/** The gamification service as deployed: its entry as an OS process (a group of its own), configured by environment. */
async function startProcess() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/gamification/src/index.ts'], {
    cwd: ROOT,
    // No REDIS_URL: events travel through the outbox this test's database holds.
    env: childEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: g.databaseUrl,
      RECEIPT_STORAGE_DIR: settings().storageDir,
      RECEIPT_OCR: 'false',
      RECEIPT_LEASE_MS: String(LEASE_MS),
      RECEIPT_MODEL_PROVIDER: 'gemini',
      RECEIPT_MODEL_API_KEY: API_KEY,
      RECEIPT_MODEL_URL: model.baseUrl,
      RECEIPT_MODEL_TIMEOUT_MS: '60000',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream.setEncoding('utf8').on('data', (c: string) => output.push(c));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`gamification exited: ${output.join('')}`);
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      return res?.status === 200;
    },
    { what: 'the gamification process to answer /health', timeoutMs: 60_000, intervalMs: 100 },
  );
  return {
    output,
    exited,
    /** Signals the whole group (the service and what tsx started). */
    kill: (signal: NodeJS.Signals) => process.kill(-child.pid!, signal),
  };
}

test('a process killed mid-receipt: another takes it after the lease, processes it once, points once', async () => {
  const user = g.viewer();
  model.script({ hang: true });
  const before = model.requests.length;
  const id = await submitReceipt(g, settings(), user, await picture());

  const first = await startProcess();
  try {
    // The process is inside the receipt: it asked the model, which does not answer.
    await eventually(() => model.requests.length > before, {
      what: 'the first process to ask the model',
      timeoutMs: 60_000,
    });
    expect(await g.db.receipt.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'PROCESSING',
      attempts: 1,
    });
  } finally {
    first.kill('SIGKILL');
  }
  expect(await first.exited).toBe('SIGKILL');
  model.release();
  model.script(reading('T-KILL'));

  const second = await startProcess();
  try {
    const row = await decided(g, id, 60_000);
    expect(row).toMatchObject({ status: 'APPROVED', receiptNumber: 'T-KILL', totalCents: 1250, attempts: 2 });
    const [asked, askedAgain, ...more] = model.requests.slice(before).map((r) => r.at);
    expect(more).toHaveLength(0);
    // Not taken again before the dead process's lease ran out.
    expect(askedAgain! - asked!).toBeGreaterThanOrEqual(LEASE_MS - 100);
    // The second process's consumer awards the points from ReceiptApproved: 5 + 1 per whole euro.
    await eventually(async () => (await standing(g, user.userId)).points === 17, { what: 'the points' });
    await g.drained();
    expect(await approvedEvents(id)).toBe(1);
    expect((await standing(g, user.userId)).points).toBe(17);
    expect(await g.db.ledgerEntry.count({ where: { userId: user.userId } })).toBe(1);
  } finally {
    second.kill('SIGTERM');
    await second.exited;
  }
}, 180_000);

/** A receipt worker with a Prisma client of its own, as another process would have. */
function worker(overrides: Partial<ReceiptSettings> = {}) {
  const db = createPrisma({ databaseUrl: g.databaseUrl, connectTimeoutMs: 5000, poolMax: 3 });
  clients.push(db);
  const s = settings(overrides);
  const logger = createLogger('test-receipt-worker', 'silent');
  return () =>
    processNextReceipt({
      db,
      storage: new LocalFileStorage(s.storageDir),
      settings: s,
      timeZone: DEFAULT_SETTINGS.timeZone,
      updates: new ReceiptUpdates({ pubsub: pubsubFor({}), logger }),
      logger,
      now: () => new Date(),
    });
}

test("a worker stalled past its lease: the receipt is taken over, the stalled worker's late answer changes nothing", async () => {
  const user = g.viewer();
  const id = await submitReceipt(g, settings(), user, await picture());
  const slow = worker({ leaseMs: 1000 });
  const fast = worker();
  // The slow worker's model answer is held; it reads another number and total.
  model.script({ hang: true, then: reading('T-LATE', 99) });
  const before = model.requests.length;
  const stalled = slow();
  await eventually(() => model.requests.length > before, { what: 'the slow worker to ask the model' });
  model.script(reading('T-STALL'));
  await eventually(
    async () =>
      (await fast()) === 1 && (await g.db.receipt.findUniqueOrThrow({ where: { id } })).status !== 'PROCESSING',
    {
      what: 'the other worker to take the receipt over once the lease ran out',
      timeoutMs: 20_000,
      intervalMs: 200,
    },
  );
  model.release();
  expect(await stalled).toBe(1);
  const row = await g.db.receipt.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ status: 'APPROVED', totalCents: 1250, attempts: 2, leaseToken: null });
  expect(await approvedEvents(id)).toBe(1);
  // What the receipt holds is what the worker that decided it claimed.
  const held = await g.db.receiptIdentity.findMany({ where: { receiptId: id }, orderBy: { kind: 'asc' } });
  expect(held.map((h) => [h.kind, h.value.split('|').at(-1)])).toEqual([
    ['fiscal', 'T-STALL'],
    ['image', row.contentHash],
  ]);
}, 60_000);

test('four workers settling copies of one receipt at the same moment: one APPROVED, the rest DUPLICATE', async () => {
  // Two pictures of one purchase (same tax id and number; different files) and copies of each,
  // from different users.
  const photo = await receiptImage({ lines: ['FERRETERIA GARCIA', 'Ticket F-77', 'TOTAL 30,00 EUR'] });
  const scan = await receiptImage({ lines: ['FERRETERIA GARCIA', 'Ticket F-77', 'TOTAL 30,00 EUR'], format: 'jpeg' });
  const files = [photo, scan, photo, scan, photo, scan, photo, scan];
  const ids = await Promise.all(files.map((file) => submitReceipt(g, settings(), g.viewer(), file)));

  const workers = Array.from({ length: 4 }, () => worker());
  // The model answers nobody until four are waiting: the four settle together.
  model.script(reading('F-77', 30));
  model.barrier(4);
  const before = model.requests.length;
  const rows = await Promise.all(
    workers.map(async (step) => {
      while ((await step()) > 0);
    }),
  ).then(() => g.db.receipt.findMany({ where: { id: { in: ids } } }));

  expect(model.requests.length - before).toBeGreaterThanOrEqual(4);
  const statuses = rows.map((r) => r.status).sort();
  expect(statuses).toEqual(['APPROVED', ...Array<string>(7).fill('DUPLICATE')]);
  const approved = rows.find((r) => r.status === 'APPROVED')!;
  for (const r of rows.filter((x) => x.status === 'DUPLICATE')) expect(r.duplicateOfId).toBe(approved.id);
  expect(
    await g.db.outboxEvent.count({
      where: { type: 'ReceiptApproved', payload: { path: ['receiptId'], equals: approved.id } },
    }),
  ).toBe(1);
  expect(await g.db.receiptIdentity.count({ where: { receiptId: { in: ids } } })).toBe(2);
}, 90_000);
