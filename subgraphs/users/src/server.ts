import type { Express } from 'express';
import { windowCounter } from '../../../shared/rate-limits';
import { toPublicJwk, type SigningKey } from '../../../shared/auth/keys';
import type { TokenSettings } from '../../../shared/auth/tokens';
import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { AccountMailService } from './domain/account-mail-service';
import { AuthService, type LoginLimits } from './domain/auth-service';
import { UserService } from './domain/user-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { resolvers } from './resolvers';

export interface UsersDeps extends SubgraphDeps {
  /** The first key signs; all are published at `/.well-known/jwks.json`. */
  signingKeys: SigningKey[];
  tokens: TokenSettings;
  loginLimits: LoginLimits;
}

/** The users subgraph: accounts, authentication and the JWKS. Tests start it on port 0. */
export function createServer(deps: UsersDeps): Promise<SubgraphServer> {
  const accountMail = new AccountMailService({ db: deps.db, now: deps.now });
  const auth = new AuthService({
    db: deps.db,
    signingKey: deps.signingKeys[0]!,
    tokens: deps.tokens,
    now: deps.now,
    // Redis counters are namespaced by the deployment's event stream, as support's are.
    counter: windowCounter({
      db: deps.db,
      schema: 'users',
      redis: deps.redis,
      prefix: `${deps.eventStream ?? 'users'}:rate:`,
    }),
    limits: deps.loginLimits,
    onRegistered: (tx, user) => accountMail.issueVerification(tx, user),
  });
  const users = new UserService({ db: deps.db, now: deps.now });
  const jwks = { keys: deps.signingKeys.map(toPublicJwk) };

  return createSubgraphServer<Context>({
    name: 'users',
    typeDefs: readSubgraphSdl('users'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    routes(app: Express) {
      app.get('/.well-known/jwks.json', (_req, res) => {
        res.set('cache-control', 'public, max-age=300').json(jwks);
      });
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(deps.db), auth, users, accountMail }),
  });
}
