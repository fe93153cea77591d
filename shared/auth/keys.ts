import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The one signature algorithm accepted anywhere; verification pins it. */
export const JWT_ALGORITHM = 'RS256';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A public key as published in `/.well-known/jwks.json`. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  n?: string;
  e?: string;
}

interface StoredKey {
  kid: string;
  privateKeyPem: string;
}

/** Generates a key in the stored format (`JWT_SIGNING_KEYS`): RSA 2048, PKCS#8 PEM. */
export function generateStoredSigningKey(): StoredKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid: randomUUID(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Parses `JWT_SIGNING_KEYS` (JSON) or the file named by `JWT_SIGNING_KEYS_FILE`. The first key
 * signs new tokens; every key is published, so tokens of a key being retired keep verifying.
 */
export function loadSigningKeys(options: { json?: string; file?: string }): SigningKey[] {
  const source = options.json ?? (options.file ? readFileSync(options.file, 'utf8') : undefined);
  if (!source) throw new Error('No JWT signing keys: set JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_FILE');
  let stored: unknown;
  try {
    stored = JSON.parse(source);
  } catch {
    throw new Error('JWT signing keys are not valid JSON');
  }
  if (!Array.isArray(stored) || stored.length === 0) {
    throw new Error('JWT signing keys must be a non-empty JSON array of { kid, privateKeyPem }');
  }
  return stored.map((entry: Partial<StoredKey>, i) => {
    if (typeof entry.kid !== 'string' || typeof entry.privateKeyPem !== 'string') {
      throw new Error(`JWT signing key #${i} needs string fields kid and privateKeyPem`);
    }
    const privateKey = createPrivateKey(entry.privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`JWT signing key ${entry.kid} is not RSA`);
    return { kid: entry.kid, privateKey };
  });
}

export function toPublicJwk(key: SigningKey): PublicJwk {
  const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' });
  return { kty: jwk.kty!, n: jwk.n, e: jwk.e, kid: key.kid, alg: JWT_ALGORITHM, use: 'sig' };
}
