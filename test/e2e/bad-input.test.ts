import { startStack, type Stack } from '../helpers/stack';
import { codeOf, signUp } from '../helpers/users';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await signUp(stack, 'taken@example.com');
});
afterAll(() => stack.stop());

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`;

/** Row counts of every users-domain table, to prove a refused request wrote nothing. */
async function snapshot() {
  const [users, sessions, tokens] = await Promise.all([
    stack.db.user.count(),
    stack.db.session.count(),
    stack.db.refreshToken.count(),
  ]);
  return { users, sessions, tokens };
}

test.each([
  [
    'malformed email',
    { email: 'not-an-email', password: 'long-enough-1', name: 'Ana' },
    'BAD_USER_INPUT',
    'input.email',
  ],
  ['short password', { email: 'ana@example.com', password: 'short', name: 'Ana' }, 'BAD_USER_INPUT', 'input.password'],
  [
    'oversized password',
    { email: 'ana@example.com', password: 'x'.repeat(129), name: 'Ana' },
    'BAD_USER_INPUT',
    'input.password',
  ],
  ['empty name', { email: 'ana@example.com', password: 'long-enough-1', name: '   ' }, 'BAD_USER_INPUT', 'input.name'],
  [
    'oversized name',
    { email: 'ana@example.com', password: 'long-enough-1', name: 'n'.repeat(121) },
    'BAD_USER_INPUT',
    'input.name',
  ],
  [
    'oversized email',
    { email: `${'a'.repeat(250)}@example.com`, password: 'long-enough-1', name: 'Ana' },
    'BAD_USER_INPUT',
    'input.email',
  ],
  [
    'duplicate email (other case)',
    { email: 'TAKEN@example.com', password: 'long-enough-1', name: 'Ana' },
    'CONFLICT',
    'input.email',
  ],
])('register with %s is %s naming the field, and stores nothing', async (_case, input, code, field) => {
  const before = await snapshot();
  const res = await stack.gql(REGISTER, { input });
  expect(codeOf(res)).toBe(code);
  expect(res.errors![0]!.extensions!.field).toBe(field);
  expect(res.errors![0]!.message).not.toMatch(/prisma|select|insert|constraint/i);
  expect(await snapshot()).toEqual(before);
});

test('a missing required input field is a validation error from GraphQL itself', async () => {
  const before = await snapshot();
  const res = await stack.gql(REGISTER, { input: { email: 'x@example.com', password: 'long-enough-1' } });
  expect(res.status).toBe(400);
  expect(codeOf(res)).toBe('BAD_USER_INPUT');
  expect(await snapshot()).toEqual(before);
});

test('oversized profile fields are refused and the profile is unchanged', async () => {
  const me = await signUp(stack, 'bio@example.com');
  const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { name } }`;
  for (const [input, field] of [
    [{ bio: 'b'.repeat(2001) }, 'input.bio'],
    [{ name: 'n'.repeat(121) }, 'input.name'],
    [{ phone: '12' }, 'input.phone'],
    [{ locale: 'klingon!' }, 'input.locale'],
    [{ name: 'Fine', avatarUrl: `https://x.example/${'p'.repeat(2100)}` }, 'input.avatarUrl'],
  ] as const) {
    const res = await stack.gql(UPDATE, { input }, { token: me.accessToken });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe(field);
  }
  const row = await stack.db.user.findUniqueOrThrow({ where: { id: me.id } });
  expect(row).toMatchObject({ name: 'bio', bio: null, phone: null, locale: 'es-ES', avatarUrl: null });
});
