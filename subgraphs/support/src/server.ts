import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SupportSettings } from '../../../shared/config';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { postgresOwnershipChecker, type OwnershipChecker } from './data/known-entities';
import { postgresCounter, redisCounter } from './data/rate-limits';
import { postgresUserDirectory, type UserDirectory } from './data/user-directory';
import { AdminService } from './domain/admin-service';
import { parseCalendar } from './domain/business-hours';
import { FaqService } from './domain/faq-service';
import { TicketService } from './domain/ticket-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { SupportRealtime } from './realtime';
import { resolvers } from './resolvers';

export const typeDefs = readFileSync(path.join(__dirname, '../../../schema/support.graphql'), 'utf8');

export interface SupportDeps extends SubgraphDeps {
  settings: SupportSettings;
  /** Replaceable in tests; by default read-only SQL on the owning domains' tables. */
  ownership?: OwnershipChecker;
  /** Replaceable in tests; by default support's own event-fed copy (`support.user_directory`). */
  directory?: UserDirectory;
}

/** The support subgraph: the help desk (tickets, widget, FAQs, SLA). Tests start it on port 0. */
export function createServer(deps: SupportDeps): Promise<SubgraphServer> {
  const { settings } = deps;
  const calendar = parseCalendar(settings.businessHours, settings.timeZone);
  const directory = deps.directory ?? postgresUserDirectory(deps.db);
  // Redis counters are namespaced by the deployment's event stream, so deployments (and test
  // stacks) sharing one Redis do not share limits.
  const counter = deps.redis
    ? redisCounter(deps.redis, `${deps.eventStream ?? 'support'}:rate:`)
    : postgresCounter(deps.db);
  const tickets = new TicketService({
    db: deps.db,
    calendar,
    ownership: deps.ownership ?? postgresOwnershipChecker(deps.db),
    directory,
    counter,
    widgetLimits: { perIp: settings.widgetLimitPerIp, perEmail: settings.widgetLimitPerEmail },
    realtime: new SupportRealtime({ pubsub: pubsubFor(deps), logger: deps.logger }),
    now: deps.now,
  });
  const faqs = new FaqService({ db: deps.db });
  const admin = new AdminService({ db: deps.db, directory });

  return createSubgraphServer<Context>({
    name: 'support',
    typeDefs,
    resolvers,
    permissions,
    referenceRules,
    deps,
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(deps.db);
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(deps.db), tickets, faqs, admin }),
  });
}
