import type { SupportPriority } from '../../../prisma/generated/prisma/client';

/**
 * Shapes resolvers pass around besides the Prisma rows (codegen.ts maps the GraphQL types to
 * these).
 */

/** A reference to an entity another subgraph owns (User, Order, Event, Ticket): support knows only the key. */
export interface EntityRef {
  id: string;
}

/** `SupportTicket.sla`: the SLA state of a ticket at the time of the request. */
export interface SupportSlaView {
  priority: SupportPriority;
  firstResponseDueAt: Date | null;
  firstResponseRemainingSeconds: number;
  resolutionDueAt: Date | null;
  resolutionRemainingSeconds: number;
  paused: boolean;
  breached: boolean;
}

/** `SupportAgent`: an agent's availability row and current load. */
export interface SupportAgentView {
  agentId: string;
  available: boolean;
  maxOpenTickets: number;
  openTickets: number;
}
