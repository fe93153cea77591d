import type { Db, Tx } from '../../../../shared/db';
import { badInput } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import { listSlaPolicies, upsertSlaPolicy, type SlaPolicy, type SupportPriority } from '../data/reference';
import type { SupportTicket, SupportTicketStatus } from '../data/tickets';
import type { SupportSlaView } from '../models';
import { slaState, type BusinessCalendar, type Pause } from './business-hours';
import * as valid from './validation';

/**
 * SLA bookkeeping: the targets per priority, the pauses of a ticket's clocks (while PENDING or
 * ON_HOLD, and the time it spent resolved before a reopening), and the columns stored for the
 * queue (`slaDueAt` for sorting, `slaBreached`, sticky once true).
 */

/** Statuses that pause the SLA clocks. */
export const PAUSED: readonly SupportTicketStatus[] = ['PENDING', 'ON_HOLD'];

/** How pauses are kept in the ticket's JSON column. */
type StoredPause = { from: string; to: string | null };

export const pausesOf = (t: SupportTicket): Pause[] =>
  (t.slaPauses as StoredPause[]).map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null }));
export const storePauses = (pauses: Pause[]): StoredPause[] =>
  pauses.map((p) => ({ from: p.from.toISOString(), to: p.to?.toISOString() ?? null }));
/** Ends the pause that lasts (if any) at `now`. */
export const closePause = (pauses: Pause[], now: Date): Pause[] =>
  pauses.map((p) => (p.to ? p : { from: p.from, to: now }));

type SlaFields = Pick<SupportTicket, 'createdAt' | 'firstResponseAt' | 'resolvedAt' | 'priority' | 'slaBreached'>;

export class SlaService {
  constructor(private readonly deps: { db: Db; calendar: BusinessCalendar; now: () => Date }) {}

  policies(): Promise<SlaPolicy[]> {
    return listSlaPolicies(this.deps.db);
  }

  async setPolicy(
    _ctx: RequestContext,
    priority: SupportPriority,
    firstResponseMinutes: number,
    resolutionMinutes: number,
  ): Promise<SlaPolicy> {
    const first = valid.intBetween('firstResponseMinutes', firstResponseMinutes, 1, 525_600);
    const resolution = valid.intBetween('resolutionMinutes', resolutionMinutes, 1, 525_600);
    if (resolution < first)
      throw badInput('resolutionMinutes', 'resolutionMinutes must not be below firstResponseMinutes');
    return upsertSlaPolicy(this.deps.db, priority, { firstResponseMinutes: first, resolutionMinutes: resolution });
  }

  /** The stored SLA columns of a ticket after a change, read with the policy in force in `tx`. */
  async columns(tx: Tx, ticket: SlaFields, pauses: Pause[], now: Date) {
    const policy = (await listSlaPolicies(tx)).find((p) => p.priority === ticket.priority);
    if (!policy) return { slaDueAt: null, slaBreached: ticket.slaBreached, slaPauses: storePauses(pauses) };
    const state = slaState(this.deps.calendar, { ...ticket, pauses }, policy, now);
    return {
      slaDueAt: state.nextDueAt,
      slaBreached: ticket.slaBreached || state.breached,
      slaPauses: storePauses(pauses),
    };
  }

  /** `SupportTicket.sla` at the time of the request (no policy: targets of zero, due at once). */
  view(ticket: SupportTicket, policy: SlaPolicy | null): SupportSlaView {
    const targets = policy ?? { firstResponseMinutes: 0, resolutionMinutes: 0 };
    const s = slaState(this.deps.calendar, { ...ticket, pauses: pausesOf(ticket) }, targets, this.deps.now());
    return {
      priority: ticket.priority,
      firstResponseDueAt: s.firstResponse.dueAt,
      firstResponseRemainingSeconds: s.firstResponse.remainingSeconds,
      resolutionDueAt: s.resolution.dueAt,
      resolutionRemainingSeconds: s.resolution.remainingSeconds,
      paused: s.paused,
      breached: ticket.slaBreached || s.breached,
    };
  }
}
