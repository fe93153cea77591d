import type { RequestContext } from '../../../shared/subgraph';
import type { CheckInService } from './domain/checkin-service';
import type { EventService } from './domain/event-service';
import type { QrCodec } from './domain/qr';
import type { TicketService } from './domain/ticket-service';
import type { TicketTypeService } from './domain/ticket-type-service';
import type { Loaders } from './loaders';

/** The context of one request to the tickets subgraph (services take it as a `TicketsRequest`). */
export interface Context extends RequestContext {
  loaders: Loaders;
  events: EventService;
  ticketTypes: TicketTypeService;
  tickets: TicketService;
  checkIns: CheckInService;
  qr: QrCodec;
}
