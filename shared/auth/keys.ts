import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The one signature algorithm accepted anywhere; verification pins it. */
export const JWT_ALGORITHM = 'RS256';

/**
 * A private key with its id. JWT signing keys are RSA; ticket QR signing keys are Ed25519.
 * Both are stored the same way (`StoredKey`) and rotate the same way: the first key of the
 * list signs, every key verifies.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** The kinds of stored key: `rsa` signs JWTs, `ed25519` signs ticket QR codes. */
export type KeyType = 'rsa' | 'ed25519';

/** A public key as published in `/.well-known/jwks.json`. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  n?: string;
  e?: string;
}

/** The stored format of every key list (`JWT_SIGNING_KEYS`, `QR_SIGNING_KEYS`, key files). */
export interface StoredKey {
  kid: string;
  privateKeyPem: string;
}

/**
 * Generates a key in the stored format, PKCS#8 PEM: RSA 2048 with a UUID kid, or Ed25519 with
 * a short random kid (QR codes carry the kid, so it is kept to 8 characters).
 */
export function generateStoredKey(type: KeyType): StoredKey {
  const { privateKey } =
    type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return {
    kid: type === 'rsa' ? randomUUID() : randomBytes(6).toString('base64url'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Generates a JWT signing key (`JWT_SIGNING_KEYS` format): RSA 2048, PKCS#8 PEM. */
export function generateStoredSigningKey(): StoredKey {
  return generateStoredKey('rsa');
}

export interface KeySource {
  /** The JSON array itself (e.g. `JWT_SIGNING_KEYS`). */
  json?: string;
  /** A file holding the same JSON (e.g. `JWT_SIGNING_KEYS_FILE`), read when `json` is absent. */
  file?: string;
}

/**
 * Parses a key list: the JSON of `source.json`, else the file `source.file`, each entry a
 * `{ kid, privateKeyPem }` of the given type. `label` names the list in error messages
 * (e.g. "JWT signing keys") and `variables` says where to set it.
 */
export function loadKeys(source: KeySource, type: KeyType, label: string, variables: string): SigningKey[] {
  const text = source.json ?? (source.file ? readFileSync(source.file, 'utf8') : undefined);
  if (!text) throw new Error(`No ${label}: set ${variables}`);
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    throw new Error(`${label} are not valid JSON`);
  }
  if (!Array.isArray(stored) || stored.length === 0) {
    throw new Error(`${label} must be a non-empty JSON array of { kid, privateKeyPem }`);
  }
  const kids = new Set<string>();
  return stored.map((entry: Partial<StoredKey>, i) => {
    if (typeof entry.kid !== 'string' || entry.kid === '' || typeof entry.privateKeyPem !== 'string') {
      throw new Error(`${label}: key #${i} needs string fields kid and privateKeyPem`);
    }
    if (kids.has(entry.kid)) throw new Error(`${label}: kid ${entry.kid} appears twice`);
    kids.add(entry.kid);
    const privateKey = createPrivateKey(entry.privateKeyPem);
    if (privateKey.asymmetricKeyType !== type) throw new Error(`${label}: key ${entry.kid} is not ${type}`);
    return { kid: entry.kid, privateKey };
  });
}

/**
 * Parses `JWT_SIGNING_KEYS` (JSON) or the file named by `JWT_SIGNING_KEYS_FILE`. The first key
 * signs new tokens; every key is published, so tokens of a key being retired keep verifying.
 */
export function loadSigningKeys(options: KeySource): SigningKey[] {
  return loadKeys(options, 'rsa', 'JWT signing keys', 'JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_FILE');
}

export function toPublicJwk(key: SigningKey): PublicJwk {
  const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' });
  return { kty: jwk.kty!, n: jwk.n, e: jwk.e, kid: key.kid, alg: JWT_ALGORITHM, use: 'sig' };
}
