import { windowCounter } from '../../../shared/rate-limits';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { realtimePublisher } from '../../../shared/realtime/publisher';
import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { postgresOwnershipChecker } from './data/known-entities';
import { postgresUserDirectory } from './data/user-directory';
import { AdminService } from './domain/admin-service';
import { FaqService } from './domain/faq-service';
import { SlaService } from './domain/sla-service';
import { TicketQueries } from './domain/ticket-queries';
import { TicketService } from './domain/ticket-service';
import { TicketWriter } from './domain/ticket-writer';
import { WidgetService } from './domain/widget-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { SupportRealtime } from './realtime';
import { resolvers } from './resolvers';
import type { SupportSettings } from './settings';

export interface SupportDeps extends SubgraphDeps {
  settings: SupportSettings;
}

/**
 * The support subgraph: the help desk (tickets, widget, FAQs, SLA). Builds the server without
 * listening: index.ts listens on the configured port, tests on port 0 or execute in process.
 */
export function createServer(deps: SupportDeps): Promise<SubgraphServer> {
  const { db, settings } = deps;
  const now = () => deps.now?.() ?? new Date();
  // Support's own event-fed copies of other domains' facts (users, orders, admission tickets, events).
  const directory = postgresUserDirectory(db);
  // Redis counters are namespaced by the deployment's event stream, so deployments (and test
  // stacks) sharing one Redis do not share limits.
  const counter = windowCounter({
    db,
    schema: 'support',
    redis: deps.redis,
    prefix: `${deps.eventStream ?? 'support'}:rate:`,
  });
  const realtime = new SupportRealtime(realtimePublisher(pubsubFor(deps), deps.logger));
  const sla = new SlaService({ db, calendar: settings.calendar, now });
  const writer = new TicketWriter({ db, sla, realtime, now });
  const services = {
    tickets: new TicketService({
      db,
      writer,
      sla,
      ownership: postgresOwnershipChecker(db),
      directory,
      now,
    }),
    ticketQueries: new TicketQueries({ db, now }),
    widget: new WidgetService({ db, writer, directory, counter, limits: settings.widgetLimits, now }),
    sla,
    faqs: new FaqService({ db }),
    admin: new AdminService({ db, directory }),
  };

  return createSubgraphServer<Context>({
    name: 'support',
    typeDefs: readSubgraphSdl('support'),
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
