import { generateCredentialKeys } from '../shared/auth/credential';
import { generateStoredKey } from '../shared/auth/keys';

/**
 * `npm run keys:generate [-- qr|credential]`: prints a fresh key set in the stored format: JWT
 * signing keys (RSA, the value of JWT_SIGNING_KEYS) by default, ticket QR signing keys (Ed25519,
 * the value of QR_SIGNING_KEYS) with `qr`. To rotate, prepend a new key to the live set and keep
 * the old one until what it signed (tokens; QR codes of tickets still to be scanned) expires.
 * With `credential`: the gateway's viewer credential key pair, as two `.env` lines
 * (VIEWER_CREDENTIAL_SIGNING_KEY for the gateway, VIEWER_CREDENTIAL_PUBLIC_KEY for subgraphs).
 */
const kind = process.argv[2];
if (kind === 'credential') {
  const { signingKey, publicKey } = generateCredentialKeys();
  console.log(`VIEWER_CREDENTIAL_SIGNING_KEY=${signingKey}\nVIEWER_CREDENTIAL_PUBLIC_KEY=${publicKey}`);
} else {
  console.log(JSON.stringify([generateStoredKey(kind === 'qr' ? 'ed25519' : 'rsa')]));
}
