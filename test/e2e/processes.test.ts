/**
 * The services as they are deployed: each real entry (`subgraphs/<name>/src/index.ts`,
 * `gateway/src/index.ts`) as an OS process of its own, configured only through its
 * environment (as `scripts/start.ts` and docker-compose configure them), talking over
 * HTTP/WebSocket, Postgres and Redis. Two orders processes and two gateways, gateway A routing
 * orders to orders #1 and gateway B to orders #2, as two replicas of a deployment would.
 *
 * What only processes show: the entries' config parsing (key files, SUBGRAPH_SECRET on every
 * hop, JWKS fetched from users), readiness, realtime events crossing processes through Redis,
 * and the shutdown contract of `shared/service.ts` (SIGTERM: WebSocket clients closed with
 * 1001, exit 0, nothing left behind).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { generateStoredKey, generateStoredSigningKey } from '../../shared/auth/keys';
import { createPrisma, type Db } from '../../shared/db';
import { freePort } from '../../scripts/embedded-postgres';
import { startMailbox, type Mailbox } from '../../shared/mail/mailbox';
import { pubsubFor } from '../../shared/realtime/pubsub';
import {
  GATEWAY,
  JWKS_ISSUER,
  SUBGRAPHS,
  subgraphUrlVariable,
  type Need,
  type ServiceDefinition,
} from '../../shared/services';
import { channels as orderChannels, type OrderChanged } from '../../subgraphs/orders/src/realtime';
import { inDays } from '../helpers/commerce';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { childEnv } from '../helpers/child-env';
import { eventually } from '../helpers/eventually';
import type { OperationData } from '../helpers/stack';
import { testRedisUrl, testWithRedis } from '../helpers/redis';
import { collect, type Collected } from '../helpers/ws';

const ROOT = path.resolve(__dirname, '../..');
/** Lines of output kept per child, printed when the test fails. */
const TAIL_LINES = 80;
const HEALTH_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 20_000;
/** SIGTERM to exit: the services drain and stop their workers; a few seconds at most. */
const EXIT_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Child {
  name: string;
  port: number;
  /** Also the id of its process group (spawned `detached`). */
  pid: number;
  process: ChildProcess;
  tail: string[];
  /** Set once it exited. */
  exit?: Exit;
  exited: Promise<Exit>;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The GraphQL endpoint. */
  url: string;
}

/** Every process spawned, failed start attempts included: afterAll makes sure none survives. */
const spawned: Child[] = [];
const clients: Client[] = [];

function spawnService(name: string, entry: string, port: number, env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, as `npm start` runs each service: signals reach the service
    // and whatever it started (tsx's esbuild service), and the group is checked for leftovers.
    detached: true,
  });
  if (proc.pid === undefined) throw new Error(`${name}: spawn failed`);
  const child: Child = {
    name,
    port,
    pid: proc.pid,
    process: proc,
    tail: [],
    exited: undefined as unknown as Promise<Exit>,
    base: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/graphql`,
  };
  child.exited = new Promise<Exit>((resolve) => {
    proc.once('exit', (code, signal) => resolve((child.exit = { code, signal })));
    proc.once('error', (err) => {
      child.tail.push(`[spawn error] ${err.message}`);
      resolve((child.exit ??= { code: null, signal: null }));
    });
  });
  for (const stream of [proc.stdout, proc.stderr]) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      child.tail.push(...lines);
      if (child.tail.length > TAIL_LINES) child.tail.splice(0, child.tail.length - TAIL_LINES);
    });
  }
  spawned.push(child);
  return child;
}

/** `promise`, or 'timeout' after `ms` (the timer is cleared either way, so it holds nothing open). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

/** Whether any process of the child's group still exists. */
function groupAlive(child: Child): boolean {
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      headers: { connection: 'close' }, // no idle keep-alive socket to hold up the service's drain
      signal: AbortSignal.timeout(2_000),
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Polls `GET <base><route>` until it answers 200; fails at once if the child exits. */
async function until200(child: Child, route: string, timeoutMs: number): Promise<void> {
  const outcome = await eventually(
    async () =>
      child.exit ? { exited: child.exit } : (await answers(`${child.base}${route}`)) && { exited: undefined },
    { what: `${child.name}: GET ${route} to answer 200`, timeoutMs, intervalMs: 100 },
  );
  if (outcome.exited) {
    throw new Error(`${child.name} exited (${JSON.stringify(outcome.exited)}) before GET ${route} answered 200`);
  }
}

/**
 * Starts `entry` on a free port and waits for its `/health`. `freePort` only finds a port free
 * now: if another test takes it before the service binds (EADDRINUSE), start again on another.
 */
async function startService(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<Child> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnService(name, entry, port, { ...env, PORT: String(port) });
    try {
      await until200(child, '/health', HEALTH_TIMEOUT_MS);
      return child;
    } catch (err) {
      const portTaken = child.tail.some((line) => line.includes('EADDRINUSE'));
      signalGroup(child, 'SIGKILL');
      await within(child.exited, 2_000);
      if (!portTaken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

/** Every child's last output, for a failure message. */
function outputs(): string {
  return spawned
    .map(
      (c) =>
        `--- ${c.name} (pid ${c.pid}, port ${c.port}, exit ${JSON.stringify(c.exit ?? 'running')}) ---\n${c.tail.map((l) => `  | ${l}`).join('\n')}`,
    )
    .join('\n');
}

interface GraphQLResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql<T = OperationData>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  return (await res.json()) as GraphQLResult<T>;
}

/** An operation that must succeed: its data. */
async function ok<T = OperationData>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await gql<T>(url, query, variables, token);
  if (res.errors || !res.data)
    throw new Error(`${query.replace(/\s+/g, ' ').slice(0, 60)}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

function connect(url: string, token: string, onClosed: (code: number) => void): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  clients.push(client);
  return client;
}

async function register(gateway: string, prefix: string): Promise<{ id: string; email: string; accessToken: string }> {
  const email = `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
  const data = await ok(
    gateway,
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
    { input: { email, password: 'a-good-password', name: prefix } },
  );
  return { id: data.register.user.id, email, accessToken: data.register.accessToken };
}

const ORDER_UPDATED = `subscription($id: ID!) { orderUpdated(id: $id) { status buyer { email } tickets { id status } } }`;
interface OrderEvent {
  orderUpdated: { status: string; buyer: { email: string }; tickets: { id: string; status: string }[] };
}

let testDb: TestDatabase | undefined;
let db: Db | undefined;
let redis: Redis | undefined;
let eventStream: string | undefined;
let keysDir: string | undefined;
let mailbox: Mailbox | undefined;

afterAll(async () => {
  await Promise.all(clients.map(async (c) => c.dispose()));
  // Normally every process has exited by now; after a failure, nothing may outlive the test.
  for (const child of spawned) signalGroup(child, 'SIGKILL');
  await Promise.all(spawned.map((c) => within(c.exited, 5_000)));
  if (eventStream) await redis?.del(eventStream);
  redis?.disconnect();
  await db?.$disconnect();
  await testDb?.drop();
  await mailbox?.stop();
  if (keysDir) await rm(keysDir, { recursive: true, force: true });
}, 30_000);

// Reported as skipped on a machine without Redis; CI always has it (globalSetup fails there without it).
testWithRedis(
  'real processes: two gateways over two orders replicas deliver one order change once each, in order; SIGTERM stops everything cleanly',
  async () => {
    const redisUrl = testRedisUrl!;

    const timings: Record<string, number> = {};
    let mark = Date.now();
    const lap = (what: string) => {
      timings[what] = Date.now() - mark;
      mark = Date.now();
    };

    try {
      testDb = await createTestDatabase();
      db = createPrisma({ databaseUrl: testDb.url, connectTimeoutMs: 5_000, poolMax: 2 });
      redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      eventStream = `test-processes-${randomUUID()}`;

      // Key sets as `npm run keys:generate` prints them, mounted as files (mode 0600).
      keysDir = await mkdtemp(path.join(os.tmpdir(), 'test-processes-keys-'));
      const jwtKeysFile = path.join(keysDir, 'jwt-signing-keys.json');
      const qrKeysFile = path.join(keysDir, 'qr-signing-keys.json');
      await writeFile(jwtKeysFile, JSON.stringify([generateStoredSigningKey()]), { mode: 0o600 });
      await writeFile(qrKeysFile, JSON.stringify([generateStoredKey('ed25519')]), { mode: 0o600 });
      // notifications mails through SMTP: a mailbox of the test's own.
      mailbox = await startMailbox({ dir: path.join(keysDir, 'mailbox') });

      const baseEnv = childEnv({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: testDb.url,
        REDIS_URL: redisUrl,
        EVENT_STREAM: eventStream,
        SUBGRAPH_SECRET: `secret-${randomUUID()}`,
      });
      lap('setup');

      // Every subgraph of the registry, orders twice (the replicas this test is about), each
      // given the key files (and SMTP server) its needs call for. The JWKS issuer (users) first: every other
      // service verifies tokens with its JWKS.
      const keyFiles: Partial<Record<Need, NodeJS.ProcessEnv>> = {
        jwtSigningKeys: { JWT_SIGNING_KEYS_FILE: jwtKeysFile },
        qrSigningKeys: { QR_SIGNING_KEYS_FILE: qrKeysFile },
        mailSettings: { SMTP_URL: mailbox.url },
      };
      const envOf = (service: ServiceDefinition): NodeJS.ProcessEnv =>
        service.needs.reduce((env, need) => ({ ...env, ...keyFiles[need] }), {});
      const users = await startService(JWKS_ISSUER.name, JWKS_ISSUER.entry, { ...baseEnv, ...envOf(JWKS_ISSUER) });
      const env = { ...baseEnv, JWKS_URL: `${users.base}/.well-known/jwks.json` };
      const others = SUBGRAPHS.filter((s) => s !== JWKS_ISSUER).flatMap((s) =>
        s.name === 'orders'
          ? [
              { ...s, label: 'orders#1' },
              { ...s, label: 'orders#2' },
            ]
          : [{ ...s, label: s.name }],
      );
      const started = await Promise.all(others.map((s) => startService(s.label, s.entry, { ...env, ...envOf(s) })));
      const byLabel = new Map([users, ...started].map((child) => [child.name, child]));
      const [orders1, orders2] = [byLabel.get('orders#1')!, byLabel.get('orders#2')!];
      lap('subgraphs healthy');
      const routes = (orders: Child): NodeJS.ProcessEnv => ({
        ...env,
        ...Object.fromEntries(
          SUBGRAPHS.map((s) => [
            subgraphUrlVariable(s.name),
            (s.name === 'orders' ? orders : byLabel.get(s.name)!).url,
          ]),
        ),
      });
      const [gatewayA, gatewayB] = await Promise.all([
        startService('gateway A', GATEWAY.entry, routes(orders1)),
        startService('gateway B', GATEWAY.entry, routes(orders2)),
      ]);
      // Ready: Postgres and every subgraph (by its SUBGRAPH_*_URL) answer.
      await Promise.all([
        until200(gatewayA, '/ready', READY_TIMEOUT_MS),
        until200(gatewayB, '/ready', READY_TIMEOUT_MS),
      ]);
      lap('gateways ready');
      const A = gatewayA.url;
      const B = gatewayB.url;

      // The subgraphs refuse anyone but the gateway (the secret is on): the gateway's calls above
      // and below carry it.
      const direct = await fetch(orders1.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(direct.status).toBe(403);

      // 1. A customer and an organizer register through gateway A; the organizer's role is granted in the database.
      const buyer = await register(A, 'buyer');
      const organizer = await register(A, 'organizer');
      await db.user.update({ where: { id: organizer.id }, data: { roles: ['ORGANIZER'] } });
      const created = await ok(
        A,
        `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
        {
          input: {
            title: 'Process night',
            description: 'Live music',
            venue: { name: 'Blue Hall', address: 'Calle Mayor 1', city: 'Madrid', country: 'ES' },
            startsAt: inDays(30),
            endsAt: inDays(30.2),
            timezone: 'Europe/Madrid',
          },
        },
        organizer.accessToken,
      );
      const eventId = created.createEvent.id as string;
      await ok(A, `mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id: eventId }, organizer.accessToken);
      // Added once published, so orders' only copy of it is on sale: once orders answers for it,
      // checkout can sell it.
      const type = await ok(
        A,
        `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
        { input: { eventId, name: 'Standing', priceCents: 2500, currency: 'EUR', capacity: 10 } },
        organizer.accessToken,
      );
      const ticketTypeId = type.createTicketType.id as string;
      // TicketTypeChanged: tickets' outbox → Redis stream → an orders consumer; read through the other gateway.
      await eventually(
        async () => {
          // Until then `available` (non-null, from orders) has nothing to resolve from, and the
          // whole event reads as null.
          const res = await gql<{ event: { ticketTypes: { id: string; available: number | null }[] } | null }>(
            B,
            `query($id: ID!) { event(id: $id) { ticketTypes { id available } } }`,
            { id: eventId },
          );
          return !res.errors && res.data?.event?.ticketTypes.find((t) => t.id === ticketTypeId)?.available === 10;
        },
        { what: 'orders to learn the ticket type', timeoutMs: 15_000, intervalMs: 100 },
      );
      lap('event on sale');

      // 2. Checkout through A; then both gateways' subscribers follow the order.
      const checkout = await ok(
        A,
        `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id status } } }`,
        { input: { idempotencyKey: `processes-${randomUUID()}`, lines: [{ ticketTypeId, quantity: 2 }] } },
        buyer.accessToken,
      );
      const orderId = checkout.checkout.order.id as string;
      expect(checkout.checkout.order.status).toBe('PENDING_PAYMENT');

      const closedA: number[] = [];
      const closedB: number[] = [];
      const subA: Collected<OrderEvent> = collect<OrderEvent>(
        connect(A, buyer.accessToken, (c) => closedA.push(c)),
        ORDER_UPDATED,
        { id: orderId },
      );
      const subB: Collected<OrderEvent> = collect<OrderEvent>(
        connect(B, buyer.accessToken, (c) => closedB.push(c)),
        ORDER_UPDATED,
        { id: orderId },
      );
      // Live once each orders process subscribed to the order's channel in Redis: each gateway
      // routes to one of them, so two subscribers mean each gateway's subscription reached its own
      // orders process (and the path back is open: the gateway subscribed before the subgraph did).
      const channel = orderChannels.order(orderId);
      await eventually(async () => ((await redis!.pubsub('NUMSUB', channel)) as [string, number])[1] === 2, {
        what: 'both orders processes to subscribe to the order channel',
        timeoutMs: 15_000,
      });
      expect(subA.events).toEqual([]);
      expect(subB.events).toEqual([]);
      lap('subscriptions live');

      // The payment happens in orders #2 (gateway B's); the mock provider posts the webhook to it.
      const paid = await ok(
        B,
        `mutation($id: ID!) { simulatePayment(orderId: $id, outcome: SUCCEEDED) { status } }`,
        { id: orderId },
        buyer.accessToken,
      );
      expect(paid.simulatePayment.status).toBe('PAID');

      for (const sub of [subA, subB]) {
        await eventually(async () => sub.events.some((e) => e.orderUpdated.tickets.length === 2), {
          what: 'the event with the issued tickets',
          timeoutMs: 20_000,
        });
      }
      // A marker after them on the order's channel (Redis orders a channel's messages): every copy
      // of the earlier events reaches a subscriber before it, so a duplicate would show.
      const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, include: { lines: true } });
      await pubsubFor({ redis }).publish(channel, {
        orderId,
        buyerId: order.buyerId,
        sellerIds: [...new Set(order.lines.map((l) => l.sellerId))],
      } satisfies OrderChanged);
      for (const sub of [subA, subB]) {
        await eventually(async () => sub.events.length >= 3, { what: 'the marker event' });
      }
      lap('events delivered');
      for (const sub of [subA, subB]) {
        const events = sub.events.map((e) => e.orderUpdated);
        // The payment (PAID), then the tickets issued by the tickets process (announced by
        // whichever orders process consumed OrderTicketsChanged), then the marker. Whether the
        // first event already shows tickets depends on how fast they were issued, so only the
        // second one is pinned.
        expect(events.map((e) => e.status)).toEqual(['PAID', 'PAID', 'PAID']);
        expect(events[2]).toEqual(events[1]);
        expect(events.every((e) => e.buyer.email === buyer.email)).toBe(true);
        expect(events[1]!.tickets.map((t) => t.status)).toEqual(['VALID', 'VALID']);
        expect([0, 2]).toContain(events[0]!.tickets.length);
        expect(sub.codes).toEqual([]);
      }
      expect(subA.events.at(-1)).toEqual(subB.events.at(-1));

      // 3. SIGTERM gateway B: its client is told "going away" (1001), and it exits 0.
      const stopStarted = Date.now();
      signalGroup(gatewayB, 'SIGTERM');
      await within(subB.ended, EXIT_TIMEOUT_MS);
      expect(closedB).toEqual([1001]);
      expect(subB.codes).toEqual(['closed:1001']);
      const exitB = await within(gatewayB.exited, EXIT_TIMEOUT_MS);
      expect(exitB).toEqual({ code: 0, signal: null });
      timings['gateway B exit after SIGTERM'] = Date.now() - stopStarted;
      // Gateway A and its subscriber are unaffected.
      expect(closedA).toEqual([]);
      expect(await answers(`${gatewayA.base}/ready`)).toBe(true);

      // Everything else at once, as `npm start` stops the platform.
      const rest = [gatewayA, users, ...started];
      const allStarted = Date.now();
      for (const child of rest) signalGroup(child, 'SIGTERM');
      const exits = await Promise.all(rest.map((c) => within(c.exited, EXIT_TIMEOUT_MS)));
      expect(Object.fromEntries(rest.map((c, i) => [c.name, exits[i]]))).toEqual(
        Object.fromEntries(rest.map((c) => [c.name, { code: 0, signal: null }])),
      );
      timings['all exit after SIGTERM'] = Date.now() - allStarted;
      await within(subA.ended, 2_000);
      expect(closedA).toEqual([1001]);
      // No process of any group survives its service (e.g. tsx's esbuild service).
      const service = [gatewayB, ...rest];
      await eventually(async () => service.every((c) => !groupAlive(c)), { what: 'every process group to be empty' });
      lap('stopped');
    } catch (err) {
      if (err instanceof Error)
        err.message += `\n\nSteps so far (ms): ${JSON.stringify(timings)}\n\nOutput of the processes:\n${outputs()}`;
      throw err;
    }
  },
  240_000,
);
