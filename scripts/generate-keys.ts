import { generateStoredSigningKey } from '../shared/auth/keys';

/**
 * `npm run keys:generate`: prints a fresh JWT signing key set, the value of JWT_SIGNING_KEYS.
 * To rotate, prepend a new key to the live set and keep the old one until its tokens expire.
 */
console.log(JSON.stringify([generateStoredSigningKey()]));
