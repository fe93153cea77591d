/**
 * Proof of email ownership and password recovery in the users subgraph alone: the tokens users
 * hands the mail pipeline (in its events) and what they unlock. The mail itself is tested with
 * the notifications subgraph (subgraphs/notifications/test/).
 */
import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { requestedToken } from '../../../test/helpers/users';

let sg: InProcessSubgraph;
beforeAll(async () => {
  sg = await startSubgraph('users');
});
afterAll(() => sg.stop());

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { refreshToken user { id emailVerified } } }`;
const RESET_REQUEST = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation ($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }`;
const LOGIN = `mutation ($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) }`;
const code = (res: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  res.errors?.[0]?.extensions?.code;

async function register(email: string) {
  const res = await sg.execute(REGISTER, { input: { email, password: 'old-password-1', name: 'Rosa <b>R</b>' } });
  expect(res.errors).toBeUndefined();
  return res.data!.register as { refreshToken: string; user: { id: string; emailVerified: boolean } };
}

const mailsOf = (type: string, userId: string) =>
  sg.db.outboxEvent.count({ where: { type, payload: { path: ['userId'], equals: userId } } });

test('registration mails a verification link; the token verifies once and announces it', async () => {
  const { user } = await register('verify-me@example.com');
  expect(user.emailVerified).toBe(false);
  const token = await requestedToken(sg, 'EmailVerificationRequested', user.id);
  // Only the hash is stored.
  const stored = await sg.db.accountToken.findFirst({ where: { userId: user.id } });
  expect(stored!.tokenHash).not.toContain(token);

  expect((await sg.execute(VERIFY, { token })).data!.verifyEmail).toBe(true);
  const me = await sg.execute(`{ me { emailVerified } }`, {}, sg.viewer('CUSTOMER', user.id));
  expect(me.data!.me.emailVerified).toBe(true);
  const announced = await sg.db.outboxEvent.findFirst({
    where: { type: 'UserChanged', payload: { path: ['userId'], equals: user.id } },
    orderBy: { id: 'desc' },
  });
  expect(announced!.payload).toMatchObject({ emailVerified: true, locale: 'es-ES' });

  const again = await sg.execute(VERIFY, { token });
  expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
  expect(code(await sg.execute(VERIFY, { token: 'forged' }))).toBe('BAD_USER_INPUT');
});

test('a new verification link supersedes the old one; a verified user gets none', async () => {
  const { user } = await register('verify-twice@example.com');
  const first = await requestedToken(sg, 'EmailVerificationRequested', user.id);
  const viewer = sg.viewer('CUSTOMER', user.id);
  expect((await sg.execute(`mutation { requestEmailVerification }`, {}, viewer)).errors).toBeUndefined();
  const second = await requestedToken(sg, 'EmailVerificationRequested', user.id);
  expect(second).not.toBe(first);
  expect(code(await sg.execute(VERIFY, { token: first }))).toBe('BAD_USER_INPUT');
  expect((await sg.execute(VERIFY, { token: second })).data!.verifyEmail).toBe(true);
  await sg.execute(`mutation { requestEmailVerification }`, {}, viewer);
  expect(await mailsOf('EmailVerificationRequested', user.id)).toBe(2);
});

test('password reset: same answer for unknown emails, single-use token, every session ended', async () => {
  const { user, refreshToken } = await register('forgetful@example.com');
  const unknown = await sg.execute(RESET_REQUEST, { email: 'nobody-here@example.com' });
  const known = await sg.execute(RESET_REQUEST, { email: 'Forgetful@Example.com' });
  expect(unknown).toEqual(known);
  expect(known.data).toEqual({ requestPasswordReset: true });
  expect(await mailsOf('PasswordResetRequested', user.id)).toBe(1);

  const token = await requestedToken(sg, 'PasswordResetRequested', user.id);
  const short = await sg.execute(RESET, { token, password: 'short' });
  expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
  expect((await sg.execute(RESET, { token, password: 'new-password-2' })).data!.resetPassword).toBe(true);

  // The old session is dead, the old password refused, the new one works; the token is spent.
  expect(code(await sg.execute(REFRESH, { t: refreshToken }))).toBe('UNAUTHENTICATED');
  expect(await sg.db.session.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  expect(code(await sg.execute(LOGIN, { email: 'forgetful@example.com', password: 'old-password-1' }))).toBe(
    'UNAUTHENTICATED',
  );
  expect(
    (await sg.execute(LOGIN, { email: 'forgetful@example.com', password: 'new-password-2' })).errors,
  ).toBeUndefined();
  const reused = await sg.execute(RESET, { token, password: 'third-password-3' });
  expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
  // Reaching the mailbox proved the address too.
  const me = await sg.execute(`{ me { emailVerified } }`, {}, sg.viewer('CUSTOMER', user.id));
  expect(me.data!.me.emailVerified).toBe(true);
});

test('an expired reset token is refused', async () => {
  const { user } = await register('late-reset@example.com');
  await sg.execute(RESET_REQUEST, { email: 'late-reset@example.com' });
  const token = await requestedToken(sg, 'PasswordResetRequested', user.id);
  await sg.db.accountToken.updateMany({
    where: { userId: user.id, purpose: 'RESET_PASSWORD' },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  expect(code(await sg.execute(RESET, { token, password: 'new-password-2' }))).toBe('BAD_USER_INPUT');
});

test('reset requests are throttled the same for known and unknown emails', async () => {
  await register('throttled@example.com');
  const answers = async (email: string) => {
    const codes: unknown[] = [];
    for (let i = 0; i < 4; i++) codes.push(code(await sg.execute(RESET_REQUEST, { email })) ?? 'ok');
    return codes;
  };
  const known = await answers('throttled@example.com');
  const unknown = await answers('ghost-throttled@example.com');
  expect(known).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
  expect(unknown).toEqual(known);
});
