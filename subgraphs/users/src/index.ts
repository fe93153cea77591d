import { staticKeys } from '../../../shared/auth/jwks';
import { loadSigningKeys, toPublicJwk } from '../../../shared/auth/keys';
import { prismaSessionLookup } from '../../../shared/auth/sessions';
import { createTokenVerifier } from '../../../shared/auth/tokens';
import { requireDatabaseUrl } from '../../../shared/config';
import { createPrisma } from '../../../shared/db';
import { runService } from '../../../shared/service';
import { createServer } from './server';

runService('users', 4001, async (config, logger) => {
  const signingKeys = loadSigningKeys({ json: config.JWT_SIGNING_KEYS, file: config.JWT_SIGNING_KEYS_FILE });
  const db = createPrisma({ databaseUrl: requireDatabaseUrl(config, 'the users subgraph'), connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
  const tokens = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const server = await createServer({
    db,
    signingKeys,
    tokens,
    // The users subgraph holds the keys itself: no need to fetch its own JWKS.
    verifier: createTokenVerifier({ ...tokens, keys: staticKeys(signingKeys.map(toPublicJwk)), sessions: prismaSessionLookup(db) }),
    logger,
    subgraphSecret: config.SUBGRAPH_SECRET,
    exposeErrorDetails: config.isDevelopment,
    introspection: !config.isProduction,
  });
  return { server, close: () => db.$disconnect() };
});
