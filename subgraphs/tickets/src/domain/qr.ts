import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { loadKeys, type KeySource, type SigningKey } from '../../../../shared/auth/keys';

/**
 * Ticket QR codes: `TK1.<kid>.<payload>.<signature>`, every part base64url.
 *
 * - payload: the 16 bytes of the ticket id then the 16 bytes of the event id (UUIDs). Nothing
 *   personal, so a photographed code reveals nothing but two opaque ids.
 * - signature: Ed25519 over the ASCII bytes of `TK1.<kid>.<payload>`, by the key `kid`.
 *
 * A door scanner can verify a code offline with the public keys published at
 * `/.well-known/qr-keys.json`. Ed25519 signatures are deterministic, so a ticket's code is
 * stable until the first (signing) key changes; codes signed by older keys keep verifying as
 * long as their key stays in the list.
 */
const PREFIX = 'TK1';
const PART = /^[A-Za-z0-9_-]+$/;

/** A public key as published in `/.well-known/qr-keys.json` (a JWK, RFC 8037). */
export interface QrPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  kid: string;
  x: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** Parses `QR_SIGNING_KEYS` or the file `QR_SIGNING_KEYS_FILE` (Ed25519 keys, first signs). */
export function loadQrSigningKeys(source: KeySource): SigningKey[] {
  return loadKeys(source, 'ed25519', 'QR signing keys', 'QR_SIGNING_KEYS or QR_SIGNING_KEYS_FILE');
}

function uuidToBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class QrCodec {
  private readonly signer: SigningKey;
  private readonly verifiers: Map<string, KeyObject>;

  constructor(keys: SigningKey[]) {
    if (keys.length === 0) throw new Error('QR codes need at least one signing key');
    this.signer = keys[0]!;
    this.verifiers = new Map(keys.map((k) => [k.kid, createPublicKey(k.privateKey)]));
    for (const kid of this.verifiers.keys()) {
      if (!PART.test(kid))
        throw new Error(`QR signing key id ${JSON.stringify(kid)} must be base64url characters only`);
    }
  }

  encode(ticketId: string, eventId: string): string {
    const payload = Buffer.concat([uuidToBytes(ticketId), uuidToBytes(eventId)]).toString('base64url');
    const signed = `${PREFIX}.${this.signer.kid}.${payload}`;
    return `${signed}.${sign(null, Buffer.from(signed), this.signer.privateKey).toString('base64url')}`;
  }

  /** The ids a code carries, or `null` when it is malformed or its signature does not verify. */
  decode(code: string): { ticketId: string; eventId: string } | null {
    const parts = code.trim().split('.');
    if (parts.length !== 4 || parts[0] !== PREFIX || !parts.every((p) => PART.test(p))) return null;
    const [, kid, payload, signature] = parts as [string, string, string, string];
    const key = this.verifiers.get(kid);
    if (!key) return null;
    const ok = verify(null, Buffer.from(`${PREFIX}.${kid}.${payload}`), key, Buffer.from(signature, 'base64url'));
    const bytes = Buffer.from(payload, 'base64url');
    if (!ok || bytes.length !== 32) return null;
    return { ticketId: bytesToUuid(bytes.subarray(0, 16)), eventId: bytesToUuid(bytes.subarray(16)) };
  }

  /** Every verifying key, for `/.well-known/qr-keys.json`. */
  publicKeys(): QrPublicJwk[] {
    return [...this.verifiers].map(([kid, key]) => ({
      kty: 'OKP',
      crv: 'Ed25519',
      kid,
      x: key.export({ format: 'jwk' }).x!,
      alg: 'EdDSA',
      use: 'sig',
    }));
  }
}
