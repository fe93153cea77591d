import type { RequestContext } from '../../../shared/subgraph';
import type { ActivityReportService } from './domain/activity-report-service';
import type { ReportService } from './domain/report-service';
import type { Loaders } from './loaders';

/** The context of one request to the reports subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  reports: ReportService;
  activity: ActivityReportService;
}
