import { staticKeys } from '../../../shared/auth/jwks';
import { loadSigningKeys, toPublicJwk } from '../../../shared/auth/keys';
import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { startWorkers } from './workers';

runSubgraph('users', {
  extras: (config) => ({
    signingKeys: loadSigningKeys({ json: config.JWT_SIGNING_KEYS, file: config.JWT_SIGNING_KEYS_FILE }),
    tokens: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    loginLimits: {
      failuresPerAddress: config.LOGIN_FAILURES_PER_ADDRESS,
      failuresPerAccount: config.LOGIN_FAILURES_PER_ACCOUNT,
      registrationsPerAddressHour: config.REGISTRATIONS_PER_ADDRESS_PER_HOUR,
    },
  }),
  // The users subgraph holds the keys itself: no need to fetch its own JWKS.
  keys: ({ signingKeys }) => staticKeys(signingKeys.map(toPublicJwk)),
  createServer,
  startWorkers,
});
