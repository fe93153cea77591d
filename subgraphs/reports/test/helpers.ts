import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import type { Role, Viewer } from '../../../shared/auth/tokens';
import { inTransaction, type Db } from '../../../shared/db';
import { startRelay, type Worker } from '../../../shared/events/bus';
import type { EventCatalog, EventOrderLine, EventType } from '../../../shared/events/catalog';
import { emit, type Producer } from '../../../shared/events/outbox';
import { createLogger } from '../../../shared/logger';
import { eventually } from '../../../test/helpers/eventually';
import { startSubgraph } from '../../../test/helpers/subgraph';
import { READ_MODEL_CONSUMER } from '../src/domain/event-handlers';
import { DEFAULT_SETTINGS, type ReportsSettings } from '../src/settings';

/**
 * The reports subgraph in process on a database of its own (the subgraph tier): other domains
 * reach it as they really do, as rows of their events in the outbox, published by a relay
 * (the producers' processes run one; reports has none) and applied by its own consumer.
 */
export interface ReportsHarness {
  db: Db;
  execute<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer | null,
  ): Promise<{ data?: T | null; errors?: readonly GraphQLFormattedError[] }>;
  viewer(roles?: Role | Role[], userId?: string): Viewer;
  /** Emits events (each in its own transaction, in order) without waiting. */
  emit<T extends EventType>(type: T, payload: EventCatalog[T]): Promise<string>;
  /** Waits until the consumer has applied everything in the outbox. */
  drained(): Promise<void>;
  /** Redelivers every event from the start of the outbox (its processed record stays). */
  replayAll(): Promise<void>;
  stopWorkers(): Promise<void>;
  startWorkers(): void;
  stop(): Promise<void>;
}

const PRODUCERS: Partial<Record<EventType, Producer>> = {
  UserChanged: 'users',
  TicketTypeChanged: 'tickets',
  TicketsIssued: 'tickets',
  TicketCheckedIn: 'tickets',
  TicketVoided: 'tickets',
  SupportTicketCreated: 'support',
  SupportTicketResolved: 'support',
  SupportReplyPosted: 'support',
  SupportSlaBreached: 'support',
  SupportTicketRated: 'support',
  PointsAwarded: 'gamification',
  BadgeAwarded: 'gamification',
  LevelReached: 'gamification',
  RewardRedeemed: 'gamification',
  ReceiptApproved: 'gamification',
};

export async function startReports(
  options: { now?: () => Date; settings?: Partial<ReportsSettings> } = {},
): Promise<ReportsHarness> {
  const sg = await startSubgraph('reports', {
    workers: true,
    now: options.now,
    exposeErrorDetails: true,
    deps: { settings: { ...DEFAULT_SETTINGS, dashboardCoalesceMs: 50, ...options.settings } },
  });
  const { db } = sg;
  const relay: Worker = startRelay({ db, logger: createLogger('test-relay', 'silent'), pollMs: 20 });
  const drained = async () => {
    await eventually(
      async () => {
        const [row] = await db.$queryRaw<{ pending: bigint }[]>`
          SELECT count(*) AS pending FROM events.outbox o
          WHERE o.seq IS NULL OR o.seq > COALESCE((SELECT seq FROM events.consumer_cursors WHERE consumer = ${READ_MODEL_CONSUMER}), 0)`;
        return row!.pending === 0n;
      },
      { what: 'the reports consumer to catch up' },
    );
  };
  return {
    db,
    execute: (query, variables, viewer) => sg.execute(query, variables, viewer) as never,
    viewer: (roles, userId) => sg.viewer(roles, userId),
    emit: (type, payload) => inTransaction(db, (tx) => emit(tx, PRODUCERS[type] ?? 'orders', type, payload)),
    drained,
    async replayAll() {
      await db.$executeRaw`UPDATE events.consumer_cursors SET seq = 0 WHERE consumer = ${READ_MODEL_CONSUMER}`;
      await drained();
    },
    stopWorkers: () => sg.stopWorkers(),
    startWorkers: () => sg.startWorkers(),
    async stop() {
      await relay.stop();
      await sg.stop();
    },
  };
}

/** A line of an order event. */
export function line(
  l: Partial<EventOrderLine> & { sellerId: string; unitPriceCents: number; quantity?: number },
): EventOrderLine {
  return {
    orderLineId: randomUUID(),
    ticketTypeId: l.productId ? null : (l.ticketTypeId ?? randomUUID()),
    eventId: l.productId ? null : (l.eventId ?? null),
    productId: l.productId ?? null,
    quantity: 1,
    ...l,
  };
}

export function paid(lines: EventOrderLine[], paidAt: string, currency = 'EUR'): EventCatalog['OrderPaid'] {
  return {
    orderId: randomUUID(),
    buyerId: randomUUID(),
    currency,
    totalCents: lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0),
    paidAt,
    lines,
  };
}

/** A refund of `quantity` units of each given line of `order`. */
export function refunded(
  order: EventCatalog['OrderPaid'],
  lines: { line: EventOrderLine; quantity: number }[],
  refundedAt: string,
): EventCatalog['OrderRefunded'] {
  return {
    orderId: order.orderId,
    refundId: randomUUID(),
    buyerId: order.buyerId,
    reason: 'test',
    amountCents: lines.reduce((s, l) => s + l.quantity * l.line.unitPriceCents, 0),
    currency: order.currency,
    lines: lines.map((l) => ({ ...l.line, quantity: l.quantity })),
    refundedAt,
  };
}
