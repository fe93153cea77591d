/**
 * Shapes resolvers pass around besides the database rows (codegen.ts maps the GraphQL types to
 * these). References to other subgraphs' entities are `EntityRef` (shared/entities.ts).
 */
import type { Ticket } from './data/tickets';

type CheckInStatus = 'ACCEPTED' | 'ALREADY_CHECKED_IN' | 'INVALID_SIGNATURE' | 'WRONG_EVENT' | 'VOIDED' | 'NOT_FOUND';

/** What `checkIn` answers. `ticket` is null unless the code is genuine and for this event. */
export interface CheckInOutcome {
  status: CheckInStatus;
  ticket: Ticket | null;
  checkedInAt: Date | null;
}
