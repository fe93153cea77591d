import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config';
import { unauthenticated } from '../errors';
import { viewerFromAuthorization, type Role, type TokenVerifier, type Viewer } from './tokens';

/**
 * The viewer credential: what the gateway tells a subgraph about who is asking, once it has
 * verified the access token and found its session live. One per client request (and per
 * subscription event), carried in `x-viewer-credential`:
 *
 *     base64url(JSON { sub, roles, sid, tex, exp }) "." base64url(Ed25519 signature)
 *
 * `exp` (ms) is the credential's own expiry, `CREDENTIAL_TTL_MS` after it was issued and never
 * past the token's (`tex`). Ed25519, not an HMAC: the gateway alone holds the private key, so a
 * subgraph (or whoever reads a subgraph's config) can check credentials but not mint them.
 * Verifying is a signature check and a clock comparison: no database, no JWKS.
 */
export const CREDENTIAL_HEADER = 'x-viewer-credential';

/**
 * How long a credential is good for. Long enough for the slowest plan of one request (the
 * subgraph deadline is 10 s by default) and for a subscription's upstream to connect; short
 * enough that a captured one is soon worthless.
 */
export const CREDENTIAL_TTL_MS = 60_000;

interface CredentialClaims {
  sub: string;
  roles: Role[];
  sid: string;
  /** The access token's expiry (ms). */
  tex: number;
  /** The credential's expiry (ms). */
  exp: number;
}

const ROLES = new Set<string>(['CUSTOMER', 'ORGANIZER', 'SCANNER', 'AGENT', 'ADMIN']);

export type CredentialSigner = (viewer: Viewer) => string;

/** Viewers whose last credential is kept for reuse; past this many the kept ones are dropped. */
const REUSED_CREDENTIALS = 10_000;

/**
 * Mints credentials with the gateway's private key (`VIEWER_CREDENTIAL_SIGNING_KEY`). The same
 * viewer (user, roles, session, token expiry) gets the credential minted last while more than
 * half its life is left: a signature per request was ~3% of the gateway's CPU under load, and
 * each credential is only carried by fetches that end long before that half is over. The gateway
 * still checks the token and its session on every request before asking for one.
 */
export function credentialSigner(privateKey: KeyObject, now: () => number = Date.now): CredentialSigner {
  const minted = new Map<string, { credential: string; exp: number }>();
  return (viewer) => {
    const at = now();
    const key = `${viewer.userId} ${viewer.sessionId} ${viewer.roles.join(',')} ${viewer.expiresAt.getTime()}`;
    const last = minted.get(key);
    if (last && last.exp - at > CREDENTIAL_TTL_MS / 2) return last.credential;
    const claims: CredentialClaims = {
      sub: viewer.userId,
      roles: viewer.roles,
      sid: viewer.sessionId,
      tex: viewer.expiresAt.getTime(),
      exp: Math.min(at + CREDENTIAL_TTL_MS, viewer.expiresAt.getTime()),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const credential = `${payload}.${sign(null, Buffer.from(payload), privateKey).toString('base64url')}`;
    if (minted.size >= REUSED_CREDENTIALS) minted.clear();
    minted.set(key, { credential, exp: claims.exp });
    return credential;
  };
}

export interface CredentialVerifier {
  /** The viewer a credential names; `UNAUTHENTICATED` when it is forged, malformed or expired. */
  verify(credential: string): Viewer;
}

const REJECTED = 'Invalid or expired viewer credential';

/** Checks credentials with the gateway's public key (`VIEWER_CREDENTIAL_PUBLIC_KEY`). */
export function credentialVerifier(publicKey: KeyObject, now: () => number = Date.now): CredentialVerifier {
  return {
    verify(credential) {
      const [payload, signature, extra] = credential.split('.');
      if (!payload || !signature || extra !== undefined) throw unauthenticated(REJECTED);
      if (!verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64url'))) {
        throw unauthenticated(REJECTED);
      }
      let claims: Partial<CredentialClaims>;
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<CredentialClaims>;
      } catch {
        throw unauthenticated(REJECTED);
      }
      const { sub, roles, sid, tex, exp } = claims;
      if (
        typeof sub !== 'string' ||
        typeof sid !== 'string' ||
        typeof tex !== 'number' ||
        typeof exp !== 'number' ||
        !Array.isArray(roles) ||
        !roles.every((r) => ROLES.has(r)) ||
        exp <= now()
      ) {
        throw unauthenticated(REJECTED);
      }
      return { userId: sub, roles, sessionId: sid, expiresAt: new Date(tex) };
    },
  };
}

/**
 * A key pair in the configured format, one line each (an environment variable, a `.env` line):
 * base64 of the DER encoding, PKCS#8 for the private key and SPKI for the public one.
 */
export function generateCredentialKeys(): { signingKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signingKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/** Parses `VIEWER_CREDENTIAL_SIGNING_KEY`; a ConfigError naming it when it is not an Ed25519 private key. */
export function loadCredentialSigningKey(base64: string): KeyObject {
  return ed25519(
    () => createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' }),
    'VIEWER_CREDENTIAL_SIGNING_KEY',
    'private',
  );
}

/** Parses `VIEWER_CREDENTIAL_PUBLIC_KEY`; a ConfigError naming it when it is not an Ed25519 public key. */
export function loadCredentialPublicKey(base64: string): KeyObject {
  return ed25519(
    () => createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' }),
    'VIEWER_CREDENTIAL_PUBLIC_KEY',
    'public',
  );
}

function ed25519(load: () => KeyObject, variable: string, kind: string): KeyObject {
  let key: KeyObject;
  try {
    key = load();
  } catch (err) {
    throw new ConfigError(`${variable} is not a base64 DER key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${variable} must be an Ed25519 ${kind} key`);
  return key;
}

/** How a subgraph learns who calls it. */
export interface CallerAuthentication {
  /** Checks the gateway's credentials; absent when no VIEWER_CREDENTIAL_PUBLIC_KEY is configured. */
  credentials?: CredentialVerifier;
  /** Verifies a user's own access token fully (signature, then the session in Postgres). */
  verifier: TokenVerifier;
  /**
   * Production: a user's own token is refused, so subgraphs never read the users domain's
   * sessions; only the gateway's credential identifies a viewer.
   */
  refuseUserTokens?: boolean;
}

/**
 * The viewer of a call to a subgraph: the gateway's credential when one is sent (no database),
 * else the user's own bearer token, verified fully like the gateway does (outside production:
 * a developer calling one subgraph directly), else anonymous. `UNAUTHENTICATED` for anything
 * presented that does not hold.
 */
export async function viewerOfCall(
  call: { credential?: string; authorization?: string },
  auth: CallerAuthentication,
): Promise<Viewer | null> {
  if (call.credential !== undefined && call.credential !== '') {
    if (!auth.credentials) throw unauthenticated('This service is not configured to accept viewer credentials');
    return auth.credentials.verify(call.credential);
  }
  if (auth.refuseUserTokens && call.authorization) {
    throw unauthenticated('Access tokens are accepted by the gateway only; call the API through it');
  }
  return viewerFromAuthorization(call.authorization, auth.verifier);
}
