import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe-compatible webhook signatures: the header `Stripe-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). Several v1 entries may appear (a secret
 * being rolled); any match verifies. The body must be the exact bytes received: re-serialized
 * JSON would not match.
 */
export const SIGNATURE_HEADER = 'stripe-signature';
/** Signatures older (or newer) than this are refused, so a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for `rawBody`, as the provider would send it. */
export function signatureHeader(secret: string, rawBody: string | Buffer, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${computeSignature(secret, t, rawBody)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: Buffer,
  now: Date = new Date(),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2).map((s) => s.trim());
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'hex');
  // Constant-time for each candidate; all have the same length (64 hex digits, checked above).
  const matches = candidates.some((c) => timingSafeEqual(expected, Buffer.from(c, 'hex')));
  return matches ? { ok: true } : { ok: false, reason: 'mismatch' };
}
