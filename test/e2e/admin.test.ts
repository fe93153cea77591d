import { startStack, type GraphQLResponse, type OperationData, type Stack } from '../helpers/stack';
import { codeOf, signUp } from '../helpers/users';

let stack: Stack;
let admin: Awaited<ReturnType<typeof signUp>>;
let customer: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  stack = await startStack();
  admin = await signUp(stack, 'admin@example.com', { roles: ['ADMIN'] });
  customer = await signUp(stack, 'customer@example.com');
});
afterAll(() => stack.stop());

const SET_ROLES = `mutation($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) { id roles } }`;
const SET_STATUS = `mutation($id: ID!, $status: UserStatus!) { setUserStatus(userId: $id, status: $status) { id status } }`;
const USERS = `query($filter: UserFilter, $first: Int, $after: String) {
  users(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { email } } }
}`;

test('ADMIN sets roles; the change applies to the live token at once', async () => {
  const before = await stack.gql(`{ me { roles } }`, {}, { token: customer.accessToken });
  expect(before.data!.me.roles).toEqual(['CUSTOMER']);
  const res = await stack.gql(
    SET_ROLES,
    { id: customer.id, roles: ['CUSTOMER', 'ORGANIZER', 'ORGANIZER'] },
    { token: admin.accessToken },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.setUserRoles.roles).toEqual(['CUSTOMER', 'ORGANIZER']);
  // Now an ORGANIZER, still not an ADMIN.
  expect(codeOf(await stack.gql(USERS, {}, { token: customer.accessToken }))).toBe('FORBIDDEN');
});

test('non-admins cannot change roles or status; nothing changes', async () => {
  const other = await signUp(stack, 'other@example.com');
  const roles = await stack.gql(SET_ROLES, { id: other.id, roles: ['ADMIN'] }, { token: customer.accessToken });
  expect(codeOf(roles)).toBe('FORBIDDEN');
  const anon = await stack.gql(SET_STATUS, { id: other.id, status: 'DISABLED' });
  expect(codeOf(anon)).toBe('UNAUTHENTICATED');
  const row = await stack.db.user.findUniqueOrThrow({ where: { id: other.id } });
  expect(row.roles).toEqual(['CUSTOMER']);
  expect(row.status).toBe('ACTIVE');
});

test('a disabled user cannot log in and their live tokens stop working; enabling again restores login', async () => {
  const victim = await signUp(stack, 'disabled@example.com', { password: 'victim-password' });
  const res = await stack.gql(SET_STATUS, { id: victim.id, status: 'DISABLED' }, { token: admin.accessToken });
  expect(res.data!.setUserStatus.status).toBe('DISABLED');
  expect(codeOf(await stack.gql(`{ me { id } }`, {}, { token: victim.accessToken }))).toBe('UNAUTHENTICATED');
  const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
  const login = await stack.gql(LOGIN, { i: { email: 'disabled@example.com', password: 'victim-password' } });
  expect(codeOf(login)).toBe('UNAUTHENTICATED');
  const refresh = await stack.gql(`mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`, {
    t: victim.refreshToken,
  });
  expect(codeOf(refresh)).toBe('UNAUTHENTICATED');

  await stack.gql(SET_STATUS, { id: victim.id, status: 'ACTIVE' }, { token: admin.accessToken });
  expect(
    (await stack.gql(LOGIN, { i: { email: 'disabled@example.com', password: 'victim-password' } })).errors,
  ).toBeUndefined();
});

test('an admin cannot lock themself out', async () => {
  expect(codeOf(await stack.gql(SET_STATUS, { id: admin.id, status: 'DISABLED' }, { token: admin.accessToken }))).toBe(
    'CONFLICT',
  );
  expect(codeOf(await stack.gql(SET_ROLES, { id: admin.id, roles: ['CUSTOMER'] }, { token: admin.accessToken }))).toBe(
    'CONFLICT',
  );
});

test('unknown and malformed ids', async () => {
  const unknown = await stack.gql(
    SET_ROLES,
    { id: '00000000-0000-4000-8000-000000000000', roles: ['AGENT'] },
    { token: admin.accessToken },
  );
  expect(codeOf(unknown)).toBe('NOT_FOUND');
  const malformed = await stack.gql(SET_STATUS, { id: 'not-a-uuid', status: 'ACTIVE' }, { token: admin.accessToken });
  expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
  expect(malformed.errors![0]!.extensions!.field).toBe('userId');
  const lookup = await stack.gql(
    `query($id: ID!) { user(id: $id) { email } }`,
    { id: '00000000-0000-4000-8000-000000000000' },
    { token: admin.accessToken },
  );
  expect(lookup.errors).toBeUndefined();
  expect(lookup.data).toEqual({ user: null });
});

test('user(id) is for the user themself or ADMIN', async () => {
  const q = `query($id: ID!) { user(id: $id) { email } }`;
  expect((await stack.gql(q, { id: customer.id }, { token: customer.accessToken })).data!.user.email).toBe(
    'customer@example.com',
  );
  expect((await stack.gql(q, { id: customer.id }, { token: admin.accessToken })).data!.user.email).toBe(
    'customer@example.com',
  );
  expect(codeOf(await stack.gql(q, { id: admin.id }, { token: customer.accessToken }))).toBe('FORBIDDEN');
});

test('users pages through everyone with a stable cursor and totalCount, and filters', async () => {
  for (let i = 0; i < 7; i++) await signUp(stack, `page${i}@example.com`);
  const total = await stack.db.user.count();
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const res: GraphQLResponse<OperationData> = await stack.gql(
      USERS,
      { first: 3, after },
      { token: admin.accessToken },
    );
    expect(res.errors).toBeUndefined();
    const { users } = res.data!;
    expect(users.totalCount).toBe(total);
    expect(users.edges.length).toBeLessThanOrEqual(3);
    seen.push(...users.edges.map((e: { node: { email: string } }) => e.node.email));
    after = users.pageInfo.hasNextPage ? users.pageInfo.endCursor : null;
    pages++;
  } while (after);
  expect(seen).toHaveLength(total);
  expect(new Set(seen).size).toBe(total);
  expect(pages).toBe(Math.ceil(total / 3));

  const filtered = await stack.gql(USERS, { filter: { search: 'PAGE' }, first: 100 }, { token: admin.accessToken });
  expect(filtered.data!.users.totalCount).toBe(7);
  const admins = await stack.gql(USERS, { filter: { role: 'ADMIN' } }, { token: admin.accessToken });
  expect(admins.data!.users.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual(['admin@example.com']);

  expect(codeOf(await stack.gql(USERS, { first: 1000 }, { token: admin.accessToken }))).toBe('BAD_USER_INPUT');
  expect(codeOf(await stack.gql(USERS, { after: 'garbage' }, { token: admin.accessToken }))).toBe('BAD_USER_INPUT');
});

test('register, name, roles and status changes each commit a UserChanged with the new state; refused changes emit none', async () => {
  const user = await signUp(stack, 'announced@example.com');
  const announced = async () =>
    (
      await stack.db.outboxEvent.findMany({
        where: { type: 'UserChanged', payload: { path: ['userId'], equals: user.id } },
        orderBy: { id: 'asc' },
      })
    ).map((e) => e.payload as { email: string; name: string; roles: string[]; status: string; changedAt: string });
  const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { name } }`;
  expect(
    (await stack.gql(UPDATE, { input: { name: 'Anunciada' } }, { token: user.accessToken })).errors,
  ).toBeUndefined();
  // A profile change that leaves the name and locale alone is nobody else's business.
  expect((await stack.gql(UPDATE, { input: { bio: 'hola' } }, { token: user.accessToken })).errors).toBeUndefined();
  expect(
    (await stack.gql(SET_ROLES, { id: user.id, roles: ['AGENT'] }, { token: admin.accessToken })).errors,
  ).toBeUndefined();
  expect(
    (await stack.gql(SET_STATUS, { id: user.id, status: 'DISABLED' }, { token: admin.accessToken })).errors,
  ).toBeUndefined();
  expect(codeOf(await stack.gql(SET_ROLES, { id: user.id, roles: ['ADMIN'] }, { token: customer.accessToken }))).toBe(
    'FORBIDDEN',
  );

  const events = await announced();
  const same = { userId: user.id, email: 'announced@example.com', emailVerified: false, locale: 'es-ES' };
  expect(events.map(({ changedAt: _, ...state }) => state)).toEqual([
    { ...same, name: 'announced', roles: ['CUSTOMER'], status: 'ACTIVE' },
    { ...same, name: 'Anunciada', roles: ['CUSTOMER'], status: 'ACTIVE' },
    { ...same, name: 'Anunciada', roles: ['AGENT'], status: 'ACTIVE' },
    { ...same, name: 'Anunciada', roles: ['AGENT'], status: 'DISABLED' },
  ]);
  // Versions strictly increase, and the last one is the row's.
  const instants = events.map((e) => Date.parse(e.changedAt));
  expect(instants.every((t, i) => i === 0 || t > instants[i - 1]!)).toBe(true);
  const row = await stack.db.user.findUniqueOrThrow({ where: { id: user.id } });
  expect(instants.at(-1)).toBe(row.updatedAt.getTime());
});
