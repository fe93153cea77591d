import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { HeaderMap } from '@apollo/server';
import { DomainError, ErrorCode, unauthenticated } from '../errors';
import type { KeyResolver } from './jwks';
import { JWT_ALGORITHM, type SigningKey } from './keys';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export type Role = 'CUSTOMER' | 'ORGANIZER' | 'SCANNER' | 'AGENT' | 'ADMIN';

/** Who is making a request, after the token was verified and its session found live. */
export interface Viewer {
  userId: string;
  /** Current roles, read with the session (a role change applies to live tokens at once). */
  roles: Role[];
  sessionId: string;
  /** When the access token expires. */
  expiresAt: Date;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
}

export function signAccessToken(
  key: SigningKey,
  settings: TokenSettings,
  claims: { userId: string; sessionId: string },
  now: Date = new Date(),
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const token = jwt.sign({ sid: claims.sessionId, iat, exp }, key.privateKey, {
    algorithm: JWT_ALGORITHM,
    keyid: key.kid,
    issuer: settings.issuer,
    audience: settings.audience,
    subject: claims.userId,
    jwtid: randomUUID(),
  });
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Looks up the session a token belongs to. Returns the user's current roles when the session
 * is live (not revoked, not expired, user active), `undefined` otherwise.
 */
export type SessionLookup = (sessionId: string, userId: string) => Promise<{ roles: Role[] } | undefined>;

export interface TokenVerifier {
  /** Throws `UNAUTHENTICATED` for any token that is not a live access token of ours. */
  verify(token: string): Promise<Viewer>;
}

const REJECTED = 'Invalid or expired access token';

/** How long a token's checked signature and claims are remembered (its session never is). */
const VERIFIED_TOKEN_MS = 60_000;
/** Tokens remembered at most; past this many they are all forgotten. */
const VERIFIED_TOKENS = 10_000;

/**
 * Verifies access tokens: signature, algorithm, issuer, audience and expiry, then the session
 * on every call. A token whose signature checked out is remembered for a minute (until its own
 * expiry, if sooner): a client sends the same token with each request, and the RS256
 * verification was ~5% of the gateway's CPU under load. What the session says (logout, a
 * password change, a disabled user, roles) is still read on every call.
 */
export function createTokenVerifier(
  options: TokenSettings & { keys: KeyResolver; sessions: SessionLookup },
): TokenVerifier {
  const verified = new Map<string, { sub: string; sid: string; exp: number; until: number }>();
  const claimsOf = async (token: string): Promise<{ sub: string; sid: string; exp: number }> => {
    const now = Date.now();
    const known = verified.get(token);
    // jsonwebtoken's own expiry rule: expired from the second `exp` names.
    if (known && now < known.until && Math.floor(now / 1000) < known.exp) return known;
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded?.header.kid;
    // Checked before any key lookup: `alg: none` and HMAC tokens never reach verification.
    if (!decoded || decoded.header.alg !== JWT_ALGORITHM || typeof kid !== 'string') throw unauthenticated(REJECTED);
    const key = await options.keys(kid);
    if (!key) throw unauthenticated(REJECTED);
    let payload: jwt.JwtPayload;
    try {
      const checked = jwt.verify(token, key, {
        algorithms: [JWT_ALGORITHM],
        issuer: options.issuer,
        audience: options.audience,
      });
      if (typeof checked === 'string') throw new Error('payload is not an object');
      payload = checked;
    } catch {
      throw unauthenticated(REJECTED);
    }
    // jsonwebtoken accepts tokens without `exp`; ours always carry one.
    if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
      throw unauthenticated(REJECTED);
    }
    const claims = { sub: payload.sub, sid: payload.sid, exp: payload.exp, until: now + VERIFIED_TOKEN_MS };
    if (verified.size >= VERIFIED_TOKENS) verified.clear();
    verified.set(token, claims);
    return claims;
  };
  return {
    async verify(token) {
      const claims = await claimsOf(token);
      const session = await options.sessions(claims.sid, claims.sub);
      if (!session) throw unauthenticated(REJECTED);
      return {
        userId: claims.sub,
        roles: session.roles,
        sessionId: claims.sid,
        expiresAt: new Date(claims.exp * 1000),
      };
    },
  };
}

/**
 * Reads the bearer token of a request. No header means an anonymous request (`null`); a header
 * that is present but not a valid token is `UNAUTHENTICATED`, never a silent downgrade.
 */
export async function viewerFromAuthorization(
  header: string | undefined,
  verifier: TokenVerifier,
): Promise<Viewer | null> {
  if (header === undefined || header === '') return null;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  return verifier.verify(match[1]!);
}

/**
 * `viewerFromAuthorization` for an HTTP context function: a refused token answers the whole
 * request with HTTP 401 and a `WWW-Authenticate` challenge.
 */
export function authenticateHttpRequest(header: string | undefined, verifier: TokenVerifier): Promise<Viewer | null> {
  return refusedWith401(() => viewerFromAuthorization(header, verifier));
}

/** Runs an authentication; its `UNAUTHENTICATED` becomes HTTP 401 with a `WWW-Authenticate` challenge. */
export async function refusedWith401(authenticate: () => Promise<Viewer | null>): Promise<Viewer | null> {
  try {
    return await authenticate();
  } catch (err) {
    if (err instanceof DomainError && err.extensions.code === ErrorCode.UNAUTHENTICATED) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, err.message, {
        http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]) },
      });
    }
    throw err;
  }
}
