import { email } from '../helpers/commerce';
import { linkIn, mailTo, mailsTo } from '../helpers/mail';
import { startStack, type Stack } from '../helpers/stack';
import { codeOf, signUp } from '../helpers/users';

/**
 * The account mails end to end, through the gateway and the stack's real SMTP server: the
 * token a test uses is the one in the delivered mail's link, never one read from a database.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(() => stack?.stop());

const ME = `{ me { id emailVerified } }`;
const RESET_REQUEST = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) }`;

test('password reset by mail: the link resets once, every old session dies, an unknown email gets the same answer and no mail', async () => {
  const address = email('forgetful');
  const user = await signUp(stack, address, { password: 'old-password-1' });
  const other = await signUp(stack, address.replace('forgetful', 'second-session'));
  const second = await stack.gql(LOGIN, { email: address, password: 'old-password-1' });
  const secondToken = second.data!.login.accessToken as string;

  const ghost = email('nobody');
  const unknown = await stack.gql(RESET_REQUEST, { email: ghost });
  const known = await stack.gql(RESET_REQUEST, { email: address.toUpperCase() });
  expect(unknown).toEqual(known);
  expect(known.data).toEqual({ requestPasswordReset: true });

  const mail = await mailTo(stack, address, /contraseña|password/i);
  expect(mail.subject).toBe('Restablece tu contraseña');
  const link = linkIn(mail, '/reset-password');
  expect(link.origin).toBe('http://app.test');
  const token = link.searchParams.get('token')!;
  expect(mail.html).toContain(link.toString().replace(/&/g, '&amp;'));

  expect((await stack.gql(RESET, { token, password: 'new-password-2' })).data).toEqual({ resetPassword: true });
  // Every session of the account is dead: both access tokens and the refresh token.
  expect(codeOf(await stack.gql(ME, {}, { token: user.accessToken }))).toBe('UNAUTHENTICATED');
  expect(codeOf(await stack.gql(ME, {}, { token: secondToken }))).toBe('UNAUTHENTICATED');
  expect(codeOf(await stack.gql(REFRESH, { t: user.refreshToken }))).toBe('UNAUTHENTICATED');
  // Another account's session is untouched.
  expect((await stack.gql(ME, {}, { token: other.accessToken })).data!.me.id).toBe(other.id);
  expect(codeOf(await stack.gql(LOGIN, { email: address, password: 'old-password-1' }))).toBe('UNAUTHENTICATED');
  const fresh = await stack.gql(LOGIN, { email: address, password: 'new-password-2' });
  expect(fresh.errors).toBeUndefined();
  // The mailed link proved the address too.
  expect((await stack.gql(ME, {}, { token: fresh.data!.login.accessToken })).data!.me).toEqual({
    id: user.id,
    emailVerified: true,
  });
  // Single use: the same link again is refused and changes nothing.
  const reused = await stack.gql(RESET, { token, password: 'third-password-3' });
  expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
  expect((await stack.gql(LOGIN, { email: address, password: 'new-password-2' })).errors).toBeUndefined();

  // The unknown email got no mail: a reset asked for after it (the marker) has arrived, and
  // the one consumer turns events into mail in commit order.
  const marker = email('marker');
  await signUp(stack, marker);
  await stack.gql(RESET_REQUEST, { email: marker });
  await mailTo(stack, marker, /contraseña|password/i);
  expect(await mailsTo(stack, ghost)).toEqual([]);
  expect(await stack.db.notification.count({ where: { toEmail: ghost } })).toBe(0);
}, 120_000);

test('email verification by mail: the registration mail links a token that verifies the address once', async () => {
  const address = email('verify');
  const user = await signUp(stack, address);
  expect((await stack.gql(ME, {}, { token: user.accessToken })).data!.me.emailVerified).toBe(false);
  const mail = await mailTo(stack, address, /correo|email/i);
  expect(mail.subject).toBe('Confirma tu dirección de correo');
  const token = linkIn(mail, '/verify-email').searchParams.get('token')!;

  expect((await stack.gql(VERIFY, { token })).data).toEqual({ verifyEmail: true });
  expect((await stack.gql(ME, {}, { token: user.accessToken })).data!.me.emailVerified).toBe(true);
  expect((await stack.gql(VERIFY, { token })).errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'token',
  });
  // Verified: asking again sends nothing (the marker: a later reset mail to the same address).
  expect(
    (await stack.gql(`mutation { requestEmailVerification }`, {}, { token: user.accessToken })).errors,
  ).toBeUndefined();
  await stack.gql(RESET_REQUEST, { email: address });
  await mailTo(stack, address, /contraseña/);
  expect((await mailsTo(stack, address)).map((m) => m.subject)).toEqual([
    'Confirma tu dirección de correo',
    'Restablece tu contraseña',
  ]);
}, 120_000);
