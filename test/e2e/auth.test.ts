import { startStack, type Stack } from '../helpers/stack';

const AUTH_FIELDS = 'accessToken refreshToken expiresAt user { id email name roles status }';
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { ${AUTH_FIELDS} } }`;
const LOGOUT = `mutation($t: String!) { logout(refreshToken: $t) }`;
const ME = `{ me { id email name roles status createdAt profile { locale phone avatarUrl bio } } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

async function register(email: string, password = 'correct-horse-1', name = 'Lucía Pérez') {
  const res = await stack.gql(REGISTER, { input: { email, password, name } });
  expect(res.errors).toBeUndefined();
  return res.data!.register;
}

const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

describe('sessions through the gateway', () => {
  test('register, then me with the access token', async () => {
    const auth = await register('Lucia@Example.com');
    expect(auth.user).toMatchObject({
      email: 'lucia@example.com',
      name: 'Lucía Pérez',
      roles: ['CUSTOMER'],
      status: 'ACTIVE',
    });
    const expiresIn = new Date(auth.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);

    const me = await stack.gql(ME, {}, { token: auth.accessToken });
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toMatchObject({
      id: auth.user.id,
      email: 'lucia@example.com',
      profile: { locale: 'es-ES', phone: null },
    });
  });

  test('me without a token is UNAUTHENTICATED', async () => {
    const res = await stack.gql(ME);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  test('login with the right password; wrong password and unknown email give one generic message', async () => {
    await register('marta@example.com', 'marta-password');
    const ok = await stack.gql(LOGIN, { input: { email: 'MARTA@example.com', password: 'marta-password' } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.login.user.email).toBe('marta@example.com');

    const wrong = await stack.gql(LOGIN, { input: { email: 'marta@example.com', password: 'nope-nope-nope' } });
    const unknown = await stack.gql(LOGIN, { input: { email: 'nobody@example.com', password: 'nope-nope-nope' } });
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    expect(codeOf(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  test('refresh rotates; reusing a spent refresh token revokes the whole session', async () => {
    const first = await register('rotate@example.com');
    const second = await stack.gql(REFRESH, { t: first.refreshToken });
    expect(second.errors).toBeUndefined();
    const rotated = second.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect((await stack.gql(ME, {}, { token: rotated.accessToken })).data?.me.email).toBe('rotate@example.com');

    // The spent token again: refused, and the session it belongs to is gone.
    const reuse = await stack.gql(REFRESH, { t: first.refreshToken });
    expect(codeOf(reuse)).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.gql(REFRESH, { t: rotated.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.gql(ME, {}, { token: rotated.accessToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.gql(ME, {}, { token: first.accessToken }))).toBe('UNAUTHENTICATED');

    const stored = await stack.db.session.findMany({ where: { userId: first.user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.revokedReason).toBe('refresh_token_reuse');
  });

  test('logout makes the access token and the refresh token fail at once', async () => {
    const auth = await register('logout@example.com');
    expect((await stack.gql(ME, {}, { token: auth.accessToken })).data?.me.email).toBe('logout@example.com');
    const out = await stack.gql(LOGOUT, { t: auth.refreshToken });
    expect(out.data).toEqual({ logout: true });
    const me = await stack.gql(ME, {}, { token: auth.accessToken });
    expect(codeOf(me)).toBe('UNAUTHENTICATED');
    expect(me.status).toBe(401);
    expect(codeOf(await stack.gql(REFRESH, { t: auth.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  test('changePassword keeps this session, revokes the others, and the new password works', async () => {
    const a = await register('change@example.com', 'old-password-1');
    const b = (await stack.gql(LOGIN, { input: { email: 'change@example.com', password: 'old-password-1' } })).data!
      .login;
    const CHANGE = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`;

    const wrong = await stack.gql(
      CHANGE,
      { input: { currentPassword: 'not-it-at-all', newPassword: 'new-password-1' } },
      { token: a.accessToken },
    );
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0]!.extensions!.field).toBe('input.currentPassword');

    const ok = await stack.gql(
      CHANGE,
      { input: { currentPassword: 'old-password-1', newPassword: 'new-password-1' } },
      { token: a.accessToken },
    );
    expect(ok.data).toEqual({ changePassword: true });
    expect((await stack.gql(ME, {}, { token: a.accessToken })).data?.me.email).toBe('change@example.com');
    expect(codeOf(await stack.gql(ME, {}, { token: b.accessToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.gql(LOGIN, { input: { email: 'change@example.com', password: 'old-password-1' } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      (await stack.gql(LOGIN, { input: { email: 'change@example.com', password: 'new-password-1' } })).errors,
    ).toBeUndefined();
  });

  test('updateProfile changes only the given fields and validates them', async () => {
    const auth = await register('profile@example.com');
    const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { name profile { phone locale avatarUrl bio } } }`;
    const ok = await stack.gql(
      UPDATE,
      { input: { phone: '+34 600 123 456', bio: 'Me encantan los conciertos', locale: 'en' } },
      { token: auth.accessToken },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.updateProfile).toEqual({
      name: 'Lucía Pérez',
      profile: { phone: '+34600123456', locale: 'en', avatarUrl: null, bio: 'Me encantan los conciertos' },
    });
    const bad = await stack.gql(UPDATE, { input: { avatarUrl: 'javascript:alert(1)' } }, { token: auth.accessToken });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.field).toBe('input.avatarUrl');
  });

  test('five failed logins for one email and address are followed by RATE_LIMITED, even with the right password', async () => {
    await register('throttle@example.com', 'throttle-password');
    for (let i = 0; i < 5; i++) {
      const res = await stack.gql(LOGIN, { input: { email: 'throttle@example.com', password: `wrong-${i}-password` } });
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
    }
    const limited = await stack.gql(LOGIN, { input: { email: 'throttle@example.com', password: 'throttle-password' } });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);

    // The window passes: move the recorded failures 16 minutes back.
    await stack.db
      .$executeRaw`UPDATE users.login_failures SET created_at = created_at - interval '16 minutes' WHERE email = 'throttle@example.com'`;
    const again = await stack.gql(LOGIN, { input: { email: 'throttle@example.com', password: 'throttle-password' } });
    expect(again.errors).toBeUndefined();
  });
});
