/**
 * Bounded cost per request (issue 13 §1), through the real gateway over HTTP and WebSocket:
 * aliases, root fields, directives, tokens, the cost budget (lists times `first`, the schema's
 * default when none is given, lower for anonymous callers) and single-use mutations are
 * refused with GRAPHQL_VALIDATION_FAILED naming the limit, before any subgraph is called (no
 * SQL runs) and with nothing changed.
 */
import http from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { perWindow as costPerWindow } from '../../gateway/src/limits';
import { loadConfig } from '../../shared/config';
import { startStack, type Stack } from '../helpers/stack';
import { codeOf, signUp } from '../helpers/users';
import { eventually } from '../helpers/eventually';
import { collect } from '../helpers/ws';

const limits = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://x@127.0.0.1/x' });

let stack: Stack;
let token: string;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack();
  token = (await signUp(stack, 'limits@example.com')).accessToken;
  // Workers poll the database; without them, any SQL during a request is the request's.
  await stack.stopWorkers();
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack.stop();
});

/** Sends an operation and returns the response with the SQL statements it caused. */
async function measured(query: string, variables?: Record<string, unknown>, options?: { token?: string }) {
  const before = stack.sqlQueryCount();
  const started = performance.now();
  const res = await stack.gql(query, variables, options);
  return { res, sql: stack.sqlQueryCount() - before, ms: performance.now() - started };
}

/**
 * A refusal: 400, GRAPHQL_VALIDATION_FAILED, the message naming the limit, and no SQL run
 * beyond what the token check of the same caller costs on an empty operation (its session
 * lookup): no subgraph was called.
 */
async function expectRefused(query: string, message: RegExp, variables?: Record<string, unknown>, t?: string) {
  const baseline = (await measured('{ __typename }', undefined, { token: t })).sql;
  const { res, sql } = await measured(query, variables, { token: t });
  expect({ status: res.status, code: codeOf(res), data: res.data }).toEqual({
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    data: undefined,
  });
  expect(res.errors!.map((e) => e.message).join('\n')).toMatch(message);
  expect(sql).toBe(baseline);
}

const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

test('2,000 aliases of a database-backed field are refused before any subgraph runs', async () => {
  // 12,000 tokens: refused while parsing, before validation even starts.
  const { res, sql } = await measured(`{ ${aliases(2000, 'categories { id }')} }`);
  expect({ status: res.status, code: codeOf(res), sql }).toEqual({ status: 400, code: 'GRAPHQL_PARSE_FAILED', sql: 0 });
  // Within the token limit, the alias limit refuses it (and the root-field limit too).
  await expectRefused(`{ ${aliases(100, 'categories { id }')} }`, /Aliases limit of 30 exceeded, found 100/);
});

test('aliases hidden in fragments count too; up to the limit is served', async () => {
  await expectRefused(
    `{ categories { ...F ...G } } fragment F on Category { ${aliases(20, 'id')} } fragment G on Category { ${aliases(11, 'name')} }`,
    /Aliases limit of 30 exceeded, found 31/,
  );
  const ok = await stack.gql(`{ categories { ${aliases(limits.MAX_QUERY_ALIASES, 'id')} } }`);
  expect(ok.errors).toBeUndefined();
});

test('more root fields than MAX_QUERY_ROOT_FIELDS are refused', async () => {
  const fields = ['levels', 'badges', 'rewards', 'categories', 'warehouses', 'supportCategories', 'faqs', 'events'];
  const many = Array.from({ length: 21 }, (_, i) => `${fields[i % fields.length]}${i < fields.length ? '' : ''}`);
  // Unaliased duplicates merge into one field each, so spread them through fragments.
  const fragments = many.map((f, i) => `fragment R${i} on Query { ${f} { __typename } }`).join('\n');
  await expectRefused(
    `{ ${many.map((_, i) => `...R${i}`).join(' ')} __typename } ${fragments}`,
    /22 root fields; the limit is 20/,
  );
});

test('more directives than MAX_QUERY_DIRECTIVES are refused', async () => {
  await expectRefused(
    `{ __typename ${'@include(if: true) '.repeat(21)} }`,
    /Directives limit of 20 exceeded, found 21/,
  );
});

test('a document of more tokens than MAX_QUERY_TOKENS is refused while parsing', async () => {
  const { res, sql } = await measured(`{ __typename ${'__typename '.repeat(limits.MAX_QUERY_TOKENS)} }`);
  expect(res.status).toBe(400);
  expect(codeOf(res)).toBe('GRAPHQL_PARSE_FAILED');
  expect(res.errors![0]!.message).toMatch(/more tha[nt] 3000 tokens/);
  expect(sql).toBe(0);
});

describe('cost', () => {
  // 1 + first x (edges 1 + node (1 + 4 fields + ticketTypes (1 + 10 x 6 fields))) = 1 + first x 67
  const EVENTS = `query($n: Int) { events(first: $n) { edges { node { id title startsAt status
    ticketTypes { id name priceCents currency capacity maxPerOrder } } } } }`;

  test('lists count their selection `first` times: over the anonymous budget is refused for anonymous callers only', async () => {
    await expectRefused(EVENTS, /costs 6701; the limit is 5000 for anonymous callers/, { n: 100 });
    const signedIn = await stack.gql(EVENTS, { n: 100 }, { token });
    expect(signedIn.errors).toBeUndefined();
    const small = await stack.gql(EVENTS, { n: 50 });
    expect(small.errors).toBeUndefined();
  });

  test("a list without `first` counts the schema's default page size", async () => {
    // events' default first is 20: 20 x 67 + 1, times 5 aliases
    const query = `{ ${aliases(5, 'events { edges { node { id title startsAt status ticketTypes { id name priceCents currency capacity maxPerOrder } } } }')} }`;
    await expectRefused(query, /costs 6705; the limit is 5000/);
  });

  test('the signed-in budget is bounded too', async () => {
    const query = `{ ${aliases(4, 'events(first: 100) { edges { node { id title startsAt status ticketTypes { id name priceCents currency capacity maxPerOrder } } } }')} }`;
    await expectRefused(query, /costs 26804; the limit is 20000\./, undefined, token);
  });
});

test('12 aliased registers in one request are refused and create no account', async () => {
  const before = await stack.db.user.count();
  const registers = Array.from(
    { length: 12 },
    (_, i) =>
      `r${i}: register(input: { email: "spray${i}@example.com", password: "long-enough-1", name: "S" }) { accessToken }`,
  ).join('\n');
  await expectRefused(
    `mutation { ${registers} }`,
    /Mutation.register may be asked once per request; this one asks 12 times/,
  );
  expect(await stack.db.user.count()).toBe(before);
  // login twice is refused the same way; one of each kind is fine.
  await expectRefused(
    `mutation { a: login(input: { email: "x@example.com", password: "p" }) { accessToken } b: login(input: { email: "y@example.com", password: "p" }) { accessToken } }`,
    /Mutation.login may be asked once per request/,
  );
});

describe('over WebSocket', () => {
  const connect = (options: { token?: string } = {}) => {
    const client = createClient({
      url: stack.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  };

  test('the same limits apply to subscriptions', async () => {
    const client = connect();
    const tooMany = collect(
      client,
      `subscription { eventAvailabilityChanged(eventId: "00000000-0000-4000-8000-000000000000") { ${aliases(31, 'eventId')} } }`,
    );
    const tooManyTokens = collect(client, `subscription { ${'__typename '.repeat(limits.MAX_QUERY_TOKENS)} }`);
    await Promise.all([tooMany.ended, tooManyTokens.ended]);
    expect(new Set(tooMany.codes)).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(tooMany.messages.join('\n')).toMatch(/Aliases limit of 30 exceeded, found 31/);
    expect(tooManyTokens.codes).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  test('a message larger than MAX_BODY_BYTES closes the socket (1009) before it is parsed', async () => {
    const socket = new WebSocket(stack.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve)); // connection_ack
    const huge = JSON.stringify({
      id: '1',
      type: 'subscribe',
      payload: { query: `subscription { __typename } # ${'x'.repeat(limits.MAX_BODY_BYTES)}` },
    });
    socket.send(huge);
    const code = await new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
    expect(code).toBe(1009);
  });
});

describe('field suggestions', () => {
  // "Did you mean ...?" names fields a caller did not know: a way to map the schema without
  // introspection, so production leaves it out; development keeps it for the people building.
  const TYPO = '{ evnts(first: 1) { edges { node { id } } } }';

  test('are given outside production', async () => {
    const res = await stack.gql(TYPO);
    expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toMatch(/Did you mean "events"/);
  });

  test('are left out in production, over HTTP and WebSocket', async () => {
    const production = await startStack({ nodeEnv: 'production' });
    try {
      const res = await production.gql(TYPO);
      expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.errors![0]!.message).toBe('Cannot query field "evnts" on type "Query".');
      const client = createClient({
        url: production.gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      clients.push(client);
      const typo = collect(client, 'subscription { eventAvailabilityChangd(eventId: "x") { eventId } }');
      await typo.ended;
      expect(typo.codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(typo.messages).toEqual(['Cannot query field "eventAvailabilityChangd" on type "Subscription".']);
    } finally {
      await production.stop();
    }
  });
});

describe('cost per minute', () => {
  // 1 + 50 x 67 = 3351: the default anonymous minute (60,000) is spent 10,000 per 10 s, which holds 2 of these.
  const EVENTS = `{ events(first: 50) { edges { node { id title startsAt status
    ticketTypes { id name priceCents currency capacity maxPerOrder } } } } }`;

  let limited: Stack;
  beforeAll(async () => {
    limited = await startStack({
      costPerMinute: {
        signedIn: limits.MAX_QUERY_COST_PER_MINUTE,
        anonymous: limits.MAX_QUERY_COST_PER_MINUTE_ANONYMOUS,
      },
      // Each test's anonymous callers come from addresses of their own (X-Forwarded-For).
      trustProxy: 'loopback',
    });
  });
  afterAll(() => limited.stop());
  const perWindow = Math.floor(costPerWindow(limits.MAX_QUERY_COST_PER_MINUTE_ANONYMOUS) / 3351);
  const from = (address: string) => ({ 'x-forwarded-for': address });

  test("a caller who spent this 10 s share of the minute's cost is refused with 429 RATE_LIMITED; a signed-in caller is counted apart", async () => {
    const user = await signUp(limited, 'cost-minute@example.com');
    const answers = [];
    for (let i = 0; i < perWindow + 2; i++) answers.push(await limited.gql(EVENTS, {}, { headers: from('192.0.2.1') }));
    expect(answers.slice(0, perWindow).every((res) => res.status === 200 && !res.errors)).toBe(true);
    const refused = answers[perWindow]!;
    expect({ status: refused.status, code: codeOf(refused), data: refused.data }).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
      data: undefined,
    });
    expect(refused.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // A signed-in caller from the same address counts on their own account.
    const served = await limited.gql(EVENTS, {}, { token: user.accessToken, headers: from('192.0.2.1') });
    expect(served.errors).toBeUndefined();
  });

  test('a spent caller is refused before its body is even parsed; other callers are served', async () => {
    const spender = from('192.0.2.2');
    let spent = 0;
    for (let i = 0; i < perWindow + 1; i++) {
      if ((await limited.gql(EVENTS, {}, { headers: spender })).status === 429) spent++;
    }
    expect(spent).toBe(1);
    // Not JSON at all: parsed, it would be a 400 "Malformed request body".
    const raw = await fetch(limited.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...spender },
      body: '{"query": "{ events(first: 50',
    });
    const body = (await raw.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
    expect({ status: raw.status, code: body.errors[0]!.extensions.code }).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.errors[0]!.extensions.retryAfterSeconds).toBe(Number(raw.headers.get('retry-after')));
    // Another address, and a malformed body from it, are answered as ever.
    expect((await limited.gql(EVENTS, {}, { headers: from('192.0.2.3') })).errors).toBeUndefined();
    const other = await fetch(limited.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from('192.0.2.3') },
      body: '{"query": "{ events(first: 50',
    });
    expect(other.status).toBe(400);
  });
});

describe('requests in flight per caller', () => {
  // One request at a time per address, none waiting: the second is refused while the first runs.
  let gated: Stack;
  beforeAll(async () => {
    gated = await startStack({
      inFlight: { perUser: 1, perAddress: 1, maxQueued: 0, maxWaitMs: 5_000 },
      trustProxy: 'loopback',
    });
  });
  afterAll(() => gated.stop());
  const from = (address: string) => ({ 'x-forwarded-for': address });
  const EVENTS = '{ events(first: 1) { edges { node { id } } } }';

  /** A POST whose body is sent only when `finish` is called: it holds its caller's slot until then. */
  function heldRequest(headers: Record<string, string>) {
    const body = JSON.stringify({ query: EVENTS });
    // A connection of its own (no agent): a kept-alive one could be busy or closing.
    const req = http.request(gated.gateway.url, {
      agent: false,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        expect: '100-continue',
        ...headers,
      },
    });
    let settled = false;
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    }).finally(() => (settled = true));
    answered.catch(() => undefined);
    req.flushHeaders();
    // Node's server answers `100 Continue` as it hands the request to the gateway: from then on,
    // a later request of the same caller finds this one ahead of it.
    const received = new Promise<void>((resolve) => req.once('continue', resolve));
    return {
      received,
      answered,
      pending: () => !settled,
      finish: () => req.end(body),
      abort: () => req.destroy(),
    };
  }

  /**
   * A held request that has its address's slot: proven by complete requests from the same
   * address being refused while it is still unanswered. (A probe can win the race to the slot;
   * then the held request is refused or waits, and the attempt is made again.)
   */
  function holdSlot(address: string) {
    return eventually(
      async () => {
        const held = heldRequest(from(address));
        await held.received;
        for (let i = 0; i < 2; i++) {
          const probe = await gated.gql(EVENTS, {}, { headers: from(address) });
          if (probe.status !== 429 || !held.pending()) {
            held.abort();
            return undefined;
          }
          expect(probe.errors![0]!.message).toMatch(/in flight/);
          expect(probe.errors![0]!.extensions!.retryAfterSeconds).toBe(1);
        }
        return held;
      },
      { what: `a held request to take the slot of ${address}` },
    );
  }

  /** A request from `address` that is served, once its slot is free. */
  const servedFrom = (address: string) =>
    eventually(
      async () => {
        const res = await gated.gql(EVENTS, {}, { headers: from(address) });
        return res.status === 200 ? res : undefined;
      },
      { what: `the slot of ${address} to be free` },
    );

  test("a caller's request past its share is refused before its body is read; other callers are served meanwhile", async () => {
    const user = await signUp(gated, 'in-flight@example.com');
    const held = await holdSlot('198.51.100.1');

    // Another address, and a signed-in user from the same address, have slots of their own.
    expect((await gated.gql(EVENTS, {}, { headers: from('198.51.100.2') })).errors).toBeUndefined();
    expect(
      (await gated.gql(EVENTS, {}, { token: user.accessToken, headers: from('198.51.100.1') })).errors,
    ).toBeUndefined();

    held.finish();
    const answer = await held.answered;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ data: { events: { edges: expect.any(Array) } } });
    expect((await servedFrom('198.51.100.1')).errors).toBeUndefined();
  });

  test('a client that goes away frees its slot', async () => {
    const held = await holdSlot('198.51.100.3');
    held.abort();
    expect((await servedFrom('198.51.100.3')).errors).toBeUndefined();
  });
});
