import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { ActivityReportService } from './domain/activity-report-service';
import { ReportService } from './domain/report-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { resolvers } from './resolvers';
import type { ReportsSettings } from './settings';

export interface ReportsDeps extends SubgraphDeps {
  settings: ReportsSettings;
}

/** The reports subgraph: sales reports, dashboards and attendance from its read model. Tests start it on port 0. */
export function createServer(deps: ReportsDeps): Promise<SubgraphServer> {
  const { db, now, settings } = deps;
  const reports = new ReportService({ db, timeZone: settings.timeZone, now });
  const activity = new ActivityReportService({ db, timeZone: settings.timeZone });
  return createSubgraphServer<Context>({
    name: 'reports',
    typeDefs: readSubgraphSdl('reports'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(db);
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(db), reports, activity }),
  });
}
