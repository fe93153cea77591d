import type { RequestContext } from '../../../shared/subgraph';
import type { AdminService } from './domain/admin-service';
import type { FaqService } from './domain/faq-service';
import type { SlaService } from './domain/sla-service';
import type { TicketQueries } from './domain/ticket-queries';
import type { TicketService } from './domain/ticket-service';
import type { WidgetService } from './domain/widget-service';
import type { Loaders } from './loaders';

/** The context of one request to the support subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  tickets: TicketService;
  ticketQueries: TicketQueries;
  widget: WidgetService;
  sla: SlaService;
  faqs: FaqService;
  admin: AdminService;
}
