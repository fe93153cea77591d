import { createHmac, createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { generateStoredSigningKey, loadSigningKeys } from '../../shared/auth/keys';
import { startStack, TOKEN_SETTINGS, type Stack } from '../helpers/stack';
import { codeOf, signUp } from '../helpers/users';

let stack: Stack;
let valid: string;
let claims: { sub: string; sid: string };

beforeAll(async () => {
  stack = await startStack();
  valid = (await signUp(stack, 'holder@example.com')).accessToken;
  const decoded = jwt.decode(valid) as { sub: string; sid: string };
  claims = { sub: decoded.sub, sid: decoded.sid };
});
afterAll(() => stack.stop());

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const key = () => stack.signingKeys[0]!;

function signWith(payload: object, options: jwt.SignOptions = {}) {
  return jwt.sign(payload, key().privateKey, { algorithm: 'RS256', keyid: key().kid, ...options });
}
const good = () => ({
  ...claims,
  iss: TOKEN_SETTINGS.issuer,
  aud: TOKEN_SETTINGS.audience,
  iat: now(),
  exp: now() + 600,
});

const forged: Record<string, () => string> = {
  'alg none': () => `${b64({ alg: 'none', typ: 'JWT', kid: key().kid })}.${b64(good())}.`,
  'HS256 signed with the public key': () => {
    const publicPem = createPublicKey(key().privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid: key().kid })}.${b64(good())}`;
    return `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
  },
  'wrong issuer': () => signWith({ ...good(), iss: 'someone-else' }),
  'wrong audience': () => signWith({ ...good(), aud: 'another-api' }),
  expired: () => signWith({ ...good(), iat: now() - 3600, exp: now() - 1800 }),
  'no exp': () => {
    const { exp: _exp, ...rest } = good();
    return signWith(rest);
  },
  'unknown kid': () => {
    const stranger = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) })[0]!;
    return jwt.sign(good(), stranger.privateKey, { algorithm: 'RS256', keyid: stranger.kid });
  },
  'tampered payload': () => {
    const [header, , signature] = signWith(good()).split('.');
    return `${header}.${b64({ ...good(), sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`;
  },
  'not a JWT': () => 'definitely-not-a-token',
};

test('the genuine token works (control)', async () => {
  const res = await stack.gql(`{ me { email } }`, {}, { token: valid });
  expect(res.data).toEqual({ me: { email: 'holder@example.com' } });
  // A token built by the test's own signer with good claims works too, so the cases below fail for their defect alone.
  expect((await stack.gql(`{ me { email } }`, {}, { token: signWith(good()) })).data).toEqual({
    me: { email: 'holder@example.com' },
  });
});

describe.each(Object.entries(forged))('%s', (_name, make) => {
  test('is UNAUTHENTICATED at the gateway, even for a public operation', async () => {
    const res = await stack.gql(`{ me { email } }`, {}, { token: make() });
    expect(res.status).toBe(401);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
    const pub = await stack.gql(`mutation { logout(refreshToken: "x") }`, {}, { token: make() });
    expect(codeOf(pub)).toBe('UNAUTHENTICATED');
  });

  test('is UNAUTHENTICATED at the subgraph called directly', async () => {
    const res = await stack.gql(`{ me { email } }`, {}, { token: make(), url: stack.users.url });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.data?.me ?? null).toBeNull();
  });
});
