import { generateStoredKey } from '../shared/auth/keys';

/**
 * `npm run keys:generate [-- qr]`: prints a fresh key set in the stored format: JWT signing
 * keys (RSA, the value of JWT_SIGNING_KEYS) by default, ticket QR signing keys (Ed25519, the
 * value of QR_SIGNING_KEYS) with `qr`. To rotate, prepend a new key to the live set and keep
 * the old one until what it signed (tokens; QR codes of tickets still to be scanned) expires.
 */
console.log(JSON.stringify([generateStoredKey(process.argv[2] === 'qr' ? 'ed25519' : 'rsa')]));
