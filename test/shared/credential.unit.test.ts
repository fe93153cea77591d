import { randomUUID } from 'node:crypto';
import {
  CREDENTIAL_TTL_MS,
  credentialSigner,
  credentialVerifier,
  generateCredentialKeys,
  loadCredentialPublicKey,
  loadCredentialSigningKey,
  viewerOfCall,
} from '../../shared/auth/credential';
import type { TokenVerifier, Viewer } from '../../shared/auth/tokens';
import { ConfigError } from '../../shared/config';

const keys = generateCredentialKeys();
const signingKey = loadCredentialSigningKey(keys.signingKey);
const publicKey = loadCredentialPublicKey(keys.publicKey);
const viewer: Viewer = {
  userId: randomUUID(),
  roles: ['CUSTOMER', 'ORGANIZER'],
  sessionId: randomUUID(),
  expiresAt: new Date(Date.now() + 15 * 60_000),
};

/** A token verifier that must not be reached, and says how often it was. */
function countingVerifier(): TokenVerifier & { calls: number } {
  const verifier = {
    calls: 0,
    async verify(): Promise<Viewer> {
      verifier.calls++;
      return viewer;
    },
  };
  return verifier;
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err: { extensions?: { code?: string } }) => err.extensions?.code,
  );

describe('viewer credential', () => {
  it('round-trips the viewer: id, roles, session and the token expiry', () => {
    const credential = credentialSigner(signingKey)(viewer);
    expect(credentialVerifier(publicKey).verify(credential)).toEqual(viewer);
  });

  it('expires CREDENTIAL_TTL_MS after issue, and never after the token', () => {
    let now = Date.now();
    const sign = credentialSigner(signingKey, () => now);
    const verify = credentialVerifier(publicKey, () => now);
    const credential = sign(viewer);
    now += CREDENTIAL_TTL_MS - 1;
    expect(verify.verify(credential).userId).toBe(viewer.userId);
    now += 1;
    expect(() => verify.verify(credential)).toThrow(/expired/);

    now = Date.now();
    const expiring = sign({ ...viewer, expiresAt: new Date(now + 1000) });
    now += 1000;
    expect(() => verify.verify(expiring)).toThrow(/expired/);
  });

  it('reuses the credential of the same viewer while more than half its life is left', () => {
    let now = Date.now();
    const sign = credentialSigner(signingKey, () => now);
    const verify = credentialVerifier(publicKey, () => now);
    const first = sign(viewer);
    now += CREDENTIAL_TTL_MS / 2 - 1;
    expect(sign(viewer)).toBe(first);
    // Another role set or session is another viewer: its own credential, with its own claims.
    const admin = sign({ ...viewer, roles: ['ADMIN'] });
    expect(admin).not.toBe(first);
    expect(verify.verify(admin).roles).toEqual(['ADMIN']);
    expect(sign({ ...viewer, sessionId: randomUUID() })).not.toBe(first);
    now += 1;
    const renewed = sign(viewer);
    expect(renewed).not.toBe(first);
    // The renewed one lives a whole TTL from now: past the first one's expiry it still verifies.
    now += CREDENTIAL_TTL_MS / 2 + 1;
    expect(() => verify.verify(first)).toThrow(/expired/);
    expect(verify.verify(renewed)).toEqual(viewer);
  });

  it('refuses a tampered payload, another key, and junk', () => {
    const verify = credentialVerifier(publicKey);
    const [payload, signature] = credentialSigner(signingKey)(viewer).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const admin = Buffer.from(JSON.stringify({ ...claims, roles: ['ADMIN'] })).toString('base64url');
    expect(() => verify.verify(`${admin}.${signature}`)).toThrow(/Invalid/);
    const other = loadCredentialSigningKey(generateCredentialKeys().signingKey);
    expect(() => verify.verify(credentialSigner(other)(viewer))).toThrow(/Invalid/);
    for (const junk of ['', 'x', 'a.b', 'a.b.c', `${payload}.${signature}.x`]) {
      expect(() => verify.verify(junk)).toThrow(/Invalid/);
    }
  });

  it('names the variable of a key that is not Ed25519', () => {
    expect(() => loadCredentialSigningKey(keys.publicKey)).toThrow(ConfigError);
    expect(() => loadCredentialPublicKey('bm9wZQ==')).toThrow(/VIEWER_CREDENTIAL_PUBLIC_KEY/);
  });
});

describe('viewerOfCall (a subgraph learning who calls it)', () => {
  const credentials = credentialVerifier(publicKey);
  const credential = credentialSigner(signingKey)(viewer);

  it('takes the credential without any token check', async () => {
    const verifier = countingVerifier();
    expect(await viewerOfCall({ credential, authorization: 'Bearer x' }, { credentials, verifier })).toEqual(viewer);
    expect(verifier.calls).toBe(0);
  });

  it('verifies a user token fully outside production, and refuses it in production', async () => {
    const verifier = countingVerifier();
    expect(await viewerOfCall({ authorization: 'Bearer abc' }, { credentials, verifier })).toEqual(viewer);
    expect(verifier.calls).toBe(1);
    expect(
      await codeOf(viewerOfCall({ authorization: 'Bearer abc' }, { credentials, verifier, refuseUserTokens: true })),
    ).toBe('UNAUTHENTICATED');
    expect(verifier.calls).toBe(1);
  });

  it('refuses a credential when none is configured; nothing presented is anonymous', async () => {
    const verifier = countingVerifier();
    expect(await codeOf(viewerOfCall({ credential }, { verifier }))).toBe('UNAUTHENTICATED');
    expect(await viewerOfCall({}, { credentials, verifier, refuseUserTokens: true })).toBeNull();
  });
});
