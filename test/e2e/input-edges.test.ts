/**
 * The input edges every subgraph shares (issue 13 §4), through the real gateway and directly
 * at a subgraph: NUL characters and oversized strings are BAD_USER_INPUT naming the field,
 * before anything touches the database; forged cursors are BAD_USER_INPUT on `after`; `%` and
 * `_` in substring searches match themselves.
 */
import { MAX_INPUT_STRING_LENGTH } from '../../shared/input-guard';
import { startStack, type Stack } from '../helpers/stack';
import { codeOf, signUp } from '../helpers/users';

let stack: Stack;
let admin: { id: string; accessToken: string };
let agent: { id: string; accessToken: string };
beforeAll(async () => {
  stack = await startStack();
  [admin, agent] = await Promise.all([
    signUp(stack, 'admin-edges@example.com', { roles: ['ADMIN'] }),
    signUp(stack, 'agent-edges@example.com', { roles: ['AGENT'] }),
    signUp(stack, 'ana_lopez@example.com'),
    signUp(stack, 'anaxlopez@example.com'),
  ]);
});
afterAll(() => stack.stop());

/** Row counts of the tables a refused request could have written to. */
async function snapshot() {
  const [users, sessions, failures, tickets] = await Promise.all([
    stack.db.user.count(),
    stack.db.session.count(),
    stack.db.loginFailure.count(),
    stack.db.supportTicket.count(),
  ]);
  return { users, sessions, failures, tickets };
}

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;

describe('NUL characters', () => {
  test.each([
    [
      'register email',
      REGISTER,
      { input: { email: 'a\u0000@example.com', password: 'long-enough-1', name: 'A' } },
      'input.email',
    ],
    [
      'register name',
      REGISTER,
      { input: { email: 'nul@example.com', password: 'long-enough-1', name: 'A\u0000' } },
      'input.name',
    ],
    ['login password', LOGIN, { input: { email: 'ana_lopez@example.com', password: 'x\u0000' } }, 'input.password'],
    [
      'an events search',
      `query($s: String) { events(filter: { search: $s }) { totalCount } }`,
      { s: '\u0000' },
      'filter.search',
    ],
    ['a faqs search', `query($s: String) { faqs(search: $s) { totalCount } }`, { s: 'd\u0000' }, 'search'],
    ['a cursor', `query($a: String) { products(after: $a) { totalCount } }`, { a: '\u0000' }, 'after'],
    ['an id', `query($id: ID!) { event(id: $id) { id } }`, { id: '\u0000' }, 'id'],
  ])('in %s is BAD_USER_INPUT naming the field, and nothing is written', async (_case, query, variables, field) => {
    const before = await snapshot();
    const res = await stack.gql(query, variables);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe(field);
    expect(await snapshot()).toEqual(before);
  });

  test('in an inline literal, too', async () => {
    const res = await stack.gql(`{ events(filter: { city: "Madrid\\u0000" }) { totalCount } }`);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('filter.city');
  });

  test('sent directly to a subgraph, it is refused there the same way', async () => {
    const before = await snapshot();
    const res = await stack.gql(
      REGISTER,
      { input: { email: 'direct@example.com', password: 'long-enough-1', name: 'Direct\u0000' } },
      { url: stack.users.url },
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('input.name');
    expect(await snapshot()).toEqual(before);
  });
});

describe('lengths', () => {
  test('a 10,000-character email at login is BAD_USER_INPUT and records no failure', async () => {
    const before = await snapshot();
    const res = await stack.gql(LOGIN, {
      input: { email: `${'a'.repeat(10_000 - 12)}@example.com`, password: 'whatever-1' },
    });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('input.email');
    expect(await snapshot()).toEqual(before);
  });

  test('an oversized password at login is BAD_USER_INPUT', async () => {
    const res = await stack.gql(LOGIN, { input: { email: 'ana_lopez@example.com', password: 'p'.repeat(129) } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('input.password');
  });

  test('any string beyond the shared limit is refused before a resolver sees it', async () => {
    const res = await stack.gql(`query($s: String) { faqs(search: $s) { totalCount } }`, {
      s: 'x'.repeat(MAX_INPUT_STRING_LENGTH + 1),
    });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('search');
  });
});

describe('forged cursors', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const forged = [
    ['junk', 'not-a-cursor!'],
    ['a huge offset', b64({ o: 2 ** 53 })],
    ['a negative offset', b64({ o: -5 })],
    ['a date out of range', b64({ c: '-271821-04-20T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000' })],
    ['a far-future start', b64({ s: '+275760-09-13T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000' })],
  ] as const;
  const lists: [string, string, () => string | undefined][] = [
    ['faqs', `query($a: String) { faqs(after: $a) { totalCount } }`, () => undefined],
    ['events', `query($a: String) { events(after: $a) { totalCount } }`, () => undefined],
    ['products', `query($a: String) { products(after: $a) { totalCount } }`, () => undefined],
    ['users', `query($a: String) { users(after: $a) { totalCount } }`, () => admin.accessToken],
    ['supportTickets', `query($a: String) { supportTickets(after: $a) { totalCount } }`, () => agent.accessToken],
    ['myOrders', `query($a: String) { myOrders(after: $a) { totalCount } }`, () => admin.accessToken],
    ['myTickets', `query($a: String) { myTickets(after: $a) { totalCount } }`, () => admin.accessToken],
    ['myRedemptions', `query($a: String) { myRedemptions(after: $a) { totalCount } }`, () => admin.accessToken],
    ['leaderboard', `query($a: String) { leaderboard(after: $a) { totalCount } }`, () => undefined],
  ];
  test.each(lists)('on %s, every forged cursor is BAD_USER_INPUT on `after`', async (_list, query, token) => {
    for (const [what, after] of forged) {
      const res = await stack.gql(query, { a: after }, { token: token() });
      expect({ what, code: codeOf(res), field: res.errors?.[0]?.extensions?.field }).toEqual({
        what,
        code: 'BAD_USER_INPUT',
        field: 'after',
      });
    }
  });
});

describe('substring searches', () => {
  test('`%` and `_` match themselves, not anything', async () => {
    const search = async (s: string) => {
      const res = await stack.gql(
        `query($s: String) { users(filter: { search: $s }) { totalCount edges { node { email } } } }`,
        { s },
        { token: admin.accessToken },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.users.edges.map((e: { node: { email: string } }) => e.node.email);
    };
    expect(await search('%%')).toEqual([]);
    expect(await search('ana_')).toEqual(['ana_lopez@example.com']);
    expect(await search('\\')).toEqual([]);
    for (const query of [
      `{ events(filter: { search: "%" }) { totalCount } }`,
      `{ events(filter: { city: "%" }) { totalCount } }`,
      `{ products(filter: { search: "%" }) { totalCount } }`,
    ]) {
      const res = await stack.gql(query);
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data!)[0].totalCount).toBe(0);
    }
    const tickets = await stack.gql(`{ supportTickets(filter: { search: "%" }) { totalCount } }`, undefined, {
      token: agent.accessToken,
    });
    expect(tickets.errors).toBeUndefined();
    expect(tickets.data!.supportTickets.totalCount).toBe(0);
  });
});
