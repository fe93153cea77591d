import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { FeedService } from './domain/feed-service';
import { OutboxService } from './domain/outbox-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { resolvers } from './resolvers';
import type { MailSettings } from './settings';

export interface NotificationsDeps extends SubgraphDeps {
  mail: MailSettings;
}

/** The notifications subgraph: the in-app feed, mail preferences and the outbox. Tests start it on port 0. */
export function createServer(deps: NotificationsDeps): Promise<SubgraphServer> {
  const { db, now } = deps;
  const feed = new FeedService({ db, now });
  const outbox = new OutboxService({ db, now });
  return createSubgraphServer<Context>({
    name: 'notifications',
    typeDefs: readSubgraphSdl('notifications'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(db);
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(db), feed, outbox }),
  });
}
