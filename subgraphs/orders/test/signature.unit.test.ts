import {
  computeSignature,
  signatureHeader,
  SIGNATURE_TOLERANCE_SECONDS,
  verifySignature,
} from '../src/payments/signature';

const SECRET = 'whsec_unit_test_secret_0123456789';
const BODY = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded"}');
const NOW = new Date('2026-11-23T09:30:00.000Z');
const T = Math.floor(NOW.getTime() / 1000);

describe('payment webhook signatures', () => {
  test('a header made for the body verifies', () => {
    expect(verifySignature(SECRET, signatureHeader(SECRET, BODY, NOW), BODY, NOW)).toEqual({ ok: true });
  });

  test('the signature is HMAC-SHA256 of `t.body` (a known vector)', () => {
    // Computed independently: printf '1795426200.<BODY>' | openssl dgst -sha256 -hmac <SECRET>
    expect(computeSignature(SECRET, T, BODY)).toBe('4ec6b38fc4d81dcc8f841fb5d1f2833eba2cde249b294576659083bb275882e3');
    expect(computeSignature(SECRET, T, BODY.toString())).toBe(computeSignature(SECRET, T, BODY));
    expect(computeSignature(SECRET, T, BODY)).not.toBe(computeSignature(SECRET, T + 1, BODY));
  });

  test('any one of several v1 entries may match (a secret being rolled)', () => {
    const header = `t=${T},v1=${'0'.repeat(64)},v1=${computeSignature(SECRET, T, BODY)}`;
    expect(verifySignature(SECRET, header, BODY, NOW)).toEqual({ ok: true });
  });

  test.each([
    ['missing', undefined],
    ['malformed', 'garbage'],
    ['malformed', `t=${T}`],
    ['malformed', `v1=${'a'.repeat(64)}`],
    ['malformed', `t=${T},v1=abc`],
    ['mismatch', `t=${T},v1=${'a'.repeat(64)}`],
    ['mismatch', signatureHeader('whsec_someone_else_entirely', BODY, NOW)],
  ])('%s: %s', (reason, header) => {
    expect(verifySignature(SECRET, header, BODY, NOW)).toEqual({ ok: false, reason });
  });

  test('a changed body does not verify', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    expect(verifySignature(SECRET, header, Buffer.concat([BODY, Buffer.from(' ')]), NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  test('signatures outside the tolerance either way are stale; at its edge they verify', () => {
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    const header = signatureHeader(SECRET, BODY, NOW);
    expect(verifySignature(SECRET, header, BODY, at(SIGNATURE_TOLERANCE_SECONDS))).toEqual({ ok: true });
    expect(verifySignature(SECRET, header, BODY, at(SIGNATURE_TOLERANCE_SECONDS + 1))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifySignature(SECRET, header, BODY, at(-SIGNATURE_TOLERANCE_SECONDS - 1))).toEqual({
      ok: false,
      reason: 'stale',
    });
  });
});
