import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { AdminService } from './domain/admin-service';
import { CatalogService } from './domain/catalog-service';
import { ChallengeService } from './domain/challenge-service';
import { LeaderboardService } from './domain/leaderboard-service';
import { Ledger } from './domain/ledger';
import { RewardService } from './domain/reward-service';
import { StandingService } from './domain/standing-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { createRealtime } from './realtime';
import { resolvers } from './resolvers';
import type { GamificationSettings } from './settings';

export interface GamificationDeps extends SubgraphDeps {
  settings: GamificationSettings;
}

/** The gamification subgraph: points, levels, badges, rewards and leaderboards. Tests start it on port 0. */
export function createServer(deps: GamificationDeps): Promise<SubgraphServer> {
  const { db, now, settings } = deps;
  const { timeZone } = settings;
  const realtime = createRealtime(deps);
  const ledger = new Ledger(timeZone);
  const services = {
    standing: new StandingService({ db, timeZone, now }),
    leaderboards: new LeaderboardService({ db, timeZone, now }),
    rewards: new RewardService({ db, ledger, realtime, now }),
    catalog: new CatalogService({ db }),
    admin: new AdminService({ db, ledger, realtime, now }),
    challenges: new ChallengeService({ db, realtime, now }),
  };

  return createSubgraphServer<Context>({
    name: 'gamification',
    typeDefs: readSubgraphSdl('gamification'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(db);
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(db), ...services }),
  });
}
