import { randomUUID } from 'node:crypto';
import type { DomainEvent, EventCatalog, EventType } from '../../shared/events/catalog';

let seq = 0;

/** An event as the bus hands it to a consumer (fresh id, next `seq`), for consumer unit tests. */
export function deliveredEvent<T extends EventType>(
  type: T,
  producer: string,
  payload: EventCatalog[T],
): DomainEvent<T> {
  return { eventId: randomUUID(), type, producer, payload, createdAt: new Date().toISOString(), seq: String(++seq) };
}
