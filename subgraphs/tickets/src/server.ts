import type { Express } from 'express';
import type { SigningKey } from '../../../shared/auth/keys';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { CheckInService } from './domain/checkin-service';
import { EventService } from './domain/event-service';
import { QrCodec } from './domain/qr';
import { TicketService } from './domain/ticket-service';
import { TicketTypeService } from './domain/ticket-type-service';
import { createLoaders } from './loaders';
import { permissions, referenceRules } from './permissions';
import { TicketsRealtime } from './realtime';
import { resolvers } from './resolvers';

export interface TicketsDeps extends SubgraphDeps {
  /** Ed25519 keys for ticket QR codes: the first signs, all verify and are published. */
  qrKeys: SigningKey[];
}

/**
 * The tickets subgraph: events, ticket types, tickets and check-in, plus the public QR keys
 * at `GET /.well-known/qr-keys.json`. Tests start it on port 0.
 */
export function createServer(deps: TicketsDeps): Promise<SubgraphServer> {
  const qr = new QrCodec(deps.qrKeys);
  const events = new EventService({ db: deps.db, now: deps.now });
  const ticketTypes = new TicketTypeService({ db: deps.db });
  const tickets = new TicketService({ db: deps.db });
  const realtime = new TicketsRealtime({ pubsub: pubsubFor(deps), logger: deps.logger });
  const checkIns = new CheckInService({ db: deps.db, qr, realtime, now: deps.now });
  const qrKeys = { keys: qr.publicKeys() };

  return createSubgraphServer<Context>({
    name: 'tickets',
    typeDefs: readSubgraphSdl('tickets'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    routes(app: Express) {
      app.get('/.well-known/qr-keys.json', (_req, res) => {
        res.set('cache-control', 'public, max-age=300').json(qrKeys);
      });
    },
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(deps.db);
    },
    createContext: (base) => ({ ...base, loaders: createLoaders(deps.db), events, ticketTypes, tickets, checkIns, qr }),
  });
}
