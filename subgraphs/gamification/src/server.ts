import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { AdminService } from './domain/admin-service';
import { CatalogService } from './domain/catalog-service';
import { ChallengeService } from './domain/challenge-service';
import { LeaderboardService } from './domain/leaderboard-service';
import { ReceiptService } from './domain/receipts/receipt-service';
import { ReceiptUpdates } from './domain/receipts/updates';
import { Ledger } from './domain/ledger';
import { RewardService } from './domain/reward-service';
import { StandingService } from './domain/standing-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { createRealtime } from './realtime';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { LocalFileStorage, type ReceiptStorage } from './storage';
import { mountReceiptUploads } from './upload-route';
import { resolvers } from './resolvers';
import type { GamificationSettings } from './settings';

export interface GamificationDeps extends SubgraphDeps {
  settings: GamificationSettings;
  /** Where receipt files go; default: the local store under `settings.receipts.storageDir`. */
  receiptStorage?: ReceiptStorage;
}

/** The gamification subgraph: points, levels, badges, rewards and leaderboards. Tests start it on port 0. */
export function createServer(deps: GamificationDeps): Promise<SubgraphServer> {
  const { db, now, settings } = deps;
  const { timeZone } = settings;
  const realtime = createRealtime(deps);
  const pubsub = pubsubFor(deps);
  const ledger = new Ledger(timeZone);
  const services = {
    standing: new StandingService({ db, timeZone, now }),
    leaderboards: new LeaderboardService({ db, timeZone, now }),
    rewards: new RewardService({ db, ledger, realtime, now }),
    catalog: new CatalogService({ db }),
    admin: new AdminService({ db, ledger, realtime, now }),
    challenges: new ChallengeService({ db, realtime, now }),
    receipts: new ReceiptService({
      db,
      storage: deps.receiptStorage ?? new LocalFileStorage(settings.receipts.storageDir),
      settings: settings.receipts,
      timeZone,
      updates: new ReceiptUpdates({ pubsub, logger: deps.logger }),
      now: now ?? (() => new Date()),
    }),
  };

  return createSubgraphServer<Context>({
    name: 'gamification',
    typeDefs: readSubgraphSdl('gamification'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    pubsub,
    routes: (app) =>
      mountReceiptUploads(app, {
        receipts: services.receipts,
        auth: deps,
        subgraphSecret: deps.subgraphSecret,
        maxBytes: settings.receipts.maxUploadBytes,
        logger: deps.logger,
      }),
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(db);
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(db), ...services }),
  });
}
