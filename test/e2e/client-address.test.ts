import { startStack, type Stack } from '../helpers/stack';

/**
 * Who the client is (hardening §2): forwarded addresses are believed only from a trusted proxy,
 * and login and registration are limited across accounts and across addresses.
 */
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { user { email } } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`;
const PASSWORD = 'correct-horse-1';

// Dozens of password checks per test, on a machine that may be busy.
jest.setTimeout(180_000);

type Res = { status: number; errors?: { extensions?: { code?: string } }[] };
const codeOf = (res: Res) => res.errors?.[0]?.extensions?.code ?? (res.status === 200 ? 'OK' : `HTTP ${res.status}`);

/**
 * The limits count in fixed windows (of 15 minutes, of an hour): each stack's clock stands
 * still, so a test never straddles two windows and sees its count start again.
 */
const stoppedClock = () => {
  const at = new Date();
  return () => at;
};

let seq = 0;
/** A fresh documentation address (TEST-NET-2) per call. */
const newAddress = () => `198.51.100.${++seq}`;

describe('without a trusted proxy, a client cannot choose its address', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ now: stoppedClock() });
  });
  afterAll(() => stack.stop());

  const login = (url: string, email: string, address: string) =>
    stack.gql(LOGIN, { input: { email, password: 'wrong-wrong-1' } }, { url, headers: { 'x-forwarded-for': address } });

  test.each([
    ['through the gateway', () => stack.gateway.url],
    ['directly at the users subgraph (no subgraph secret: development)', () => stack.users.url],
  ])('a new X-Forwarded-For per attempt %s does not reset the per-address limit', async (_how, url) => {
    const email = `victim-${seq++}@example.com`;
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(codeOf(await login(url(), email, newAddress())));
    // One email from one address: 5 failures, then RATE_LIMITED, whatever the header said.
    expect(codes).toEqual([...Array<string>(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
  });
});

describe('behind a trusted proxy, limits across accounts and addresses', () => {
  let stack: Stack;
  const limits = { failuresPerAddress: 20, failuresPerAccount: 30, registrationsPerAddressHour: 10 };
  beforeAll(async () => {
    // The test client is the proxy (loopback), so X-Forwarded-For names each attempt's client;
    // the subgraph secret makes users believe the address the gateway forwards.
    stack = await startStack({
      now: stoppedClock(),
      trustProxy: 'loopback',
      subgraphSecret: 'client-address-secret-0123',
      loginLimits: limits,
    });
  });
  afterAll(() => stack.stop());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  const login = (email: string, password: string, address: string) =>
    stack.gql(LOGIN, { input: { email, password } }, from(address));
  const register = (email: string, address: string) =>
    stack.gql(REGISTER, { input: { email, password: PASSWORD, name: 'Prueba' } }, from(address));

  test('password spraying: one address trying many accounts is limited across them', async () => {
    const real = `sprayed-${seq++}@example.com`;
    expect(codeOf(await register(real, newAddress()))).toBe('OK');
    const attacker = newAddress();
    const codes = [];
    for (let i = 0; i < 25; i++)
      codes.push(codeOf(await login(`spray-${seq}-${i}@example.com`, 'Summer2026!', attacker)));
    expect(codes).toEqual([...Array<string>(20).fill('UNAUTHENTICATED'), ...Array<string>(5).fill('RATE_LIMITED')]);
    // Even the right password is refused from that address, and answered from another.
    expect(codeOf(await login(real, PASSWORD, attacker))).toBe('RATE_LIMITED');
    expect(codeOf(await login(real, PASSWORD, newAddress()))).toBe('OK');
  });

  test('a distributed guess at one account is limited across addresses', async () => {
    const victim = `guessed-${seq++}@example.com`;
    expect(codeOf(await register(victim, newAddress()))).toBe('OK');
    const codes = [];
    for (let i = 0; i < 31; i++) codes.push(codeOf(await login(victim, `guess-${i}-password`, newAddress())));
    expect(codes).toEqual([...Array<string>(30).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    const limited = await login(victim, PASSWORD, newAddress());
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect((limited.errors?.[0]?.extensions as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
  });

  test('registrations per address: the 11th in an hour is refused and creates nothing', async () => {
    const address = newAddress();
    const emails = Array.from({ length: 11 }, (_, i) => `signup-${seq}-${i}@example.com`);
    const codes = [];
    for (const email of emails) codes.push(codeOf(await register(email, address)));
    expect(codes).toEqual([...Array<string>(10).fill('OK'), 'RATE_LIMITED']);
    expect(await stack.db.user.count({ where: { email: emails[10]! } })).toBe(0);
    expect(codeOf(await register(emails[10]!, newAddress()))).toBe('OK');
  });

  test('a subgraph with a secret refuses a caller without it, so nobody else forwards an address', async () => {
    const res = await stack.gql(LOGIN, { input: { email: 'a@example.com', password: 'x' } }, { url: stack.users.url });
    expect(res.status).toBe(403);
  });
});
