/** The ticket QR codec: what a code carries, and every way a code can fail to verify. */
import { randomUUID } from 'node:crypto';
import { generateStoredKey } from '../../../shared/auth/keys';
import { QrCodec, loadQrSigningKeys } from '../src/domain/qr';

const keys = (count: number) =>
  loadQrSigningKeys({ json: JSON.stringify(Array.from({ length: count }, () => generateStoredKey('ed25519'))) });

describe('QrCodec', () => {
  const ticketId = randomUUID();
  const eventId = randomUUID();

  test('a code carries the two ids and nothing else, and is stable', () => {
    const codec = new QrCodec(keys(1));
    const code = codec.encode(ticketId, eventId);
    expect(code).toMatch(/^TK1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(code)).toEqual({ ticketId, eventId });
    expect(codec.encode(ticketId, eventId)).toBe(code);
    expect(Buffer.from(code.split('.')[2]!, 'base64url')).toHaveLength(32);
  });

  test('codes signed by an older key verify while the key is listed; the first key signs', () => {
    const [older, newer] = keys(2);
    const oldCode = new QrCodec([older!]).encode(ticketId, eventId);
    const rotated = new QrCodec([newer!, older!]);
    expect(rotated.decode(oldCode)).toEqual({ ticketId, eventId });
    expect(rotated.encode(ticketId, eventId).split('.')[1]).toBe(newer!.kid);
    expect(new QrCodec([newer!]).decode(oldCode)).toBeNull();
    expect(rotated.publicKeys().map((k) => k.kid)).toEqual([newer!.kid, older!.kid]);
  });

  test('malformed, tampered and foreign codes decode to null', () => {
    const codec = new QrCodec(keys(1));
    const code = codec.encode(ticketId, eventId);
    const [prefix, kid, payload, signature] = code.split('.') as [string, string, string, string];
    const otherPayload = new QrCodec(keys(1)).encode(randomUUID(), eventId).split('.')[2]!;
    for (const bad of [
      '',
      'not a code',
      `TK2.${kid}.${payload}.${signature}`,
      `${prefix}.${kid}.${payload}`,
      `${code}.extra`,
      `${prefix}.${kid}.${otherPayload}.${signature}`,
      `${prefix}.unknown.${payload}.${signature}`,
      `${prefix}.${kid}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`,
      `${prefix}.${kid}.${payload}!.${signature}`,
      new QrCodec(keys(1)).encode(ticketId, eventId),
    ]) {
      expect({ bad, decoded: codec.decode(bad) }).toEqual({ bad, decoded: null });
    }
  });

  test('needs a signing key, with a base64url id', () => {
    expect(() => new QrCodec([])).toThrow(/at least one signing key/);
    const [key] = keys(1);
    expect(() => new QrCodec([{ ...key!, kid: 'not/url.safe' }])).toThrow(/base64url/);
  });
});
