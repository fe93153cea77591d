import { randomUUID } from 'node:crypto';
import { staticKeys } from '../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../shared/auth/keys';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  createTokenVerifier,
  signAccessToken,
  type Role,
  type SessionLookup,
} from '../../shared/auth/tokens';

const SETTINGS = { issuer: 'ticketing-supergraph', audience: 'ticketing-api' };
const [key] = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
const userId = randomUUID();
const sessionId = randomUUID();

/** A verifier over `key` whose key lookups are counted and whose sessions are `live`. */
function verifier(live: Map<string, Role[]>) {
  const counts = { keys: 0, sessions: 0 };
  const keys = staticKeys([toPublicJwk(key!)]);
  const sessions: SessionLookup = async (sid) => {
    counts.sessions++;
    const roles = live.get(sid);
    return roles && { roles };
  };
  return {
    counts,
    verifier: createTokenVerifier({
      ...SETTINGS,
      keys: (kid) => {
        counts.keys++;
        return keys(kid);
      },
      sessions,
    }),
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'verified',
    (err: { extensions?: { code?: string } }) => err.extensions?.code,
  );

afterEach(() => jest.useRealTimers());

describe('access token verifier', () => {
  it('checks a token signature once but its session on every call', async () => {
    const live = new Map<string, Role[]>([[sessionId, ['CUSTOMER']]]);
    const { verifier: tokens, counts } = verifier(live);
    const { token } = signAccessToken(key!, SETTINGS, { userId, sessionId });
    expect((await tokens.verify(token)).roles).toEqual(['CUSTOMER']);
    live.set(sessionId, ['CUSTOMER', 'ORGANIZER']);
    expect((await tokens.verify(token)).roles).toEqual(['CUSTOMER', 'ORGANIZER']);
    expect(counts).toEqual({ keys: 1, sessions: 2 });
    // Logout: the remembered signature does not keep the token alive.
    live.delete(sessionId);
    expect(await codeOf(tokens.verify(token))).toBe('UNAUTHENTICATED');
  });

  it('refuses a remembered token once it expires, and checks it again after a minute', async () => {
    jest.useFakeTimers({ now: Date.now() });
    const { verifier: tokens, counts } = verifier(new Map([[sessionId, ['CUSTOMER'] as Role[]]]));
    const { token } = signAccessToken(key!, SETTINGS, { userId, sessionId });
    await tokens.verify(token);
    jest.setSystemTime(Date.now() + 60_001);
    await tokens.verify(token);
    expect(counts.keys).toBe(2);
    jest.setSystemTime(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000);
    expect(await codeOf(tokens.verify(token))).toBe('UNAUTHENTICATED');
  });

  it('refuses a tampered token even after the genuine one was verified', async () => {
    const { verifier: tokens } = verifier(new Map([[sessionId, ['CUSTOMER'] as Role[]]]));
    const { token } = signAccessToken(key!, SETTINGS, { userId, sessionId });
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');
    expect(await codeOf(tokens.verify(`${header}.${forged}.${signature}`))).toBe('UNAUTHENTICATED');
  });
});
