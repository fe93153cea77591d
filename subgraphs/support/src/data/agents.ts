/** Data access for `support.agent_availability` and agents' load. */
import type { AgentAvailability } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { AgentAvailability };

/** Every automatic assignment takes this transaction-scoped advisory lock: assignments serialise. */
const ASSIGNMENT_LOCK = 7_006_001;

/** Statuses in which a ticket counts towards its assignee's load. */
const OPEN_STATUSES = `('NEW', 'OPEN', 'PENDING', 'ON_HOLD')`;

/**
 * Picks the agent for a new ticket and records the pick, inside `tx`: available agents under
 * their cap, least loaded first, then the one assigned longest ago (round robin among equals).
 * The advisory lock makes count-then-assign atomic across concurrent transactions and
 * processes, so caps hold under any concurrency; it is held until `tx` ends, so callers pick
 * last, just before commit (every ticket opening waits on it). Null when nobody is free.
 */
export async function pickAgent(tx: Tx, now: Date): Promise<string | null> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ASSIGNMENT_LOCK})`;
  const rows = await tx.$queryRawUnsafe<{ agent_id: string }[]>(
    `
    UPDATE support.agent_availability SET last_assigned_at = $1
    WHERE agent_id = (
      SELECT a.agent_id FROM support.agent_availability a
      -- Only users who are (still) active AGENTs, as support last heard from users.
      JOIN support.user_directory u ON u.user_id = a.agent_id AND u.status = 'ACTIVE' AND 'AGENT' = ANY(u.roles)
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS open FROM support.tickets t
        WHERE t.assignee_id = a.agent_id AND t.status IN ${OPEN_STATUSES}
      ) load
      WHERE a.available AND load.open < a.max_open_tickets
      ORDER BY load.open, a.last_assigned_at NULLS FIRST, a.agent_id
      LIMIT 1)
    RETURNING agent_id`,
    now,
  );
  return rows[0]?.agent_id ?? null;
}

export function upsertAvailability(
  db: Db | Tx,
  agentId: string,
  data: { available: boolean; maxOpenTickets?: number },
): Promise<AgentAvailability> {
  return db.agentAvailability.upsert({
    where: { agentId },
    create: { agentId, available: data.available, maxOpenTickets: data.maxOpenTickets },
    update: { available: data.available, maxOpenTickets: data.maxOpenTickets },
  });
}

export function listAvailability(db: Db | Tx): Promise<AgentAvailability[]> {
  return db.agentAvailability.findMany({ orderBy: { agentId: 'asc' } });
}

/** Open tickets per assignee, for these agents. */
export async function openTicketCounts(db: Db | Tx, agentIds: string[]): Promise<Map<string, number>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db.supportTicket.groupBy({
    by: ['assigneeId'],
    where: { assigneeId: { in: agentIds }, status: { in: ['NEW', 'OPEN', 'PENDING', 'ON_HOLD'] } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.assigneeId!, r._count._all]));
}
