/**
 * Shapes resolvers pass around besides the Prisma rows (codegen.ts maps the GraphQL types to
 * these; entities of other subgraphs map to `EntityRef` of shared/entities.ts).
 */
import type { SupportPriority } from './data/tickets';

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
