import type { Ticket } from '../../../prisma/generated/prisma/client';

/**
 * Shapes resolvers pass around besides the Prisma rows (codegen.ts maps the GraphQL types to
 * these).
 */

/** A reference to an entity another subgraph owns (User, Order): tickets knows only the key. */
export interface EntityRef {
  id: string;
}

export type CheckInStatus =
  'ACCEPTED' | 'ALREADY_CHECKED_IN' | 'INVALID_SIGNATURE' | 'WRONG_EVENT' | 'VOIDED' | 'NOT_FOUND';

/** What `checkIn` answers. `ticket` is null unless the code is genuine and for this event. */
export interface CheckInOutcome {
  status: CheckInStatus;
  ticket: Ticket | null;
  checkedInAt: Date | null;
}
