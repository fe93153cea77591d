import type { RequestContext } from '../../../shared/subgraph';
import type { ReportService } from './domain/report-service';
import type { Loaders } from './loaders';

/** The context of one request to the reports subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  reports: ReportService;
}
