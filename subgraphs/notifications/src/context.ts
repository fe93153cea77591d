import type { RequestContext } from '../../../shared/subgraph';
import type { FeedService } from './domain/feed-service';
import type { OutboxService } from './domain/outbox-service';
import type { Loaders } from './loaders';

/** The context of one request to the notifications subgraph. */
export interface Context extends RequestContext {
  loaders: Loaders;
  feed: FeedService;
  outbox: OutboxService;
}
