import type { GraphQLFormattedError } from 'graphql';
import type { Role, Viewer } from '../../../shared/auth/tokens';
import type { Db } from '../../../shared/db';
import type { EventCatalog, EventType } from '../../../shared/events/catalog';
import { emit, type Producer } from '../../../shared/events/outbox';
import { eventually } from '../../../test/helpers/eventually';
import { startSubgraph } from '../../../test/helpers/subgraph';
import { DEFAULT_SETTINGS, type GamificationSettings } from '../src/settings';

/**
 * The gamification subgraph in process on a database of its own (the subgraph tier):
 * operations run through its whole schema with `execute`; other domains reach it the way they
 * really do, as rows of their events in the outbox (`deliver`), consumed by its own workers.
 */
export interface GamificationHarness {
  db: Db;
  databaseUrl: string;
  execute<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer | null,
  ): Promise<{ data?: T | null; errors?: readonly GraphQLFormattedError[] }>;
  viewer(roles?: Role | Role[], userId?: string): Viewer;
  /** Emits an event into the outbox and waits until the workers applied it; returns its id. */
  deliver<T extends EventType>(type: T, payload: EventCatalog[T], producer?: Producer): Promise<string>;
  /** Delivers every event again from the start of the outbox (a replay), and waits for it. */
  replayAll(): Promise<void>;
  /** Stops the workers; `startWorkers` starts them again (a restart). */
  stopWorkers(): Promise<void>;
  startWorkers(): void;
  /** Emits without waiting. */
  emitOnly<T extends EventType>(type: T, payload: EventCatalog[T], producer?: Producer): Promise<string>;
  /** Waits until the consumer has read everything in the outbox. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

const PRODUCERS: Partial<Record<EventType, Producer>> = {
  UserChanged: 'users',
  TicketCheckedIn: 'tickets',
  TicketVoided: 'tickets',
  SupportTicketRated: 'support',
  SupportTicketResolved: 'support',
};
const CONSUMER = 'gamification.points';

export async function startGamification(
  options: { now?: () => Date; settings?: Partial<GamificationSettings>; workers?: boolean } = {},
): Promise<GamificationHarness> {
  const sg = await startSubgraph('gamification', {
    workers: options.workers !== false,
    now: options.now,
    poolMax: 30,
    exposeErrorDetails: true,
    deps: { settings: { ...DEFAULT_SETTINGS, leaderboardCoalesceMs: 50, ...options.settings } },
  });
  const { db } = sg;

  const emitOnly = <T extends EventType>(type: T, payload: EventCatalog[T], producer?: Producer) =>
    db.$transaction((tx) => emit(tx, producer ?? PRODUCERS[type] ?? 'orders', type, payload));
  const drained = async () => {
    await eventually(
      async () => {
        const [row] = await db.$queryRaw<{ pending: bigint }[]>`
          SELECT count(*) AS pending FROM events.outbox o
          WHERE o.seq IS NULL OR o.seq > COALESCE((SELECT seq FROM events.consumer_cursors WHERE consumer = ${CONSUMER}), 0)`;
        return row!.pending === 0n;
      },
      { what: 'the gamification consumer to catch up' },
    );
  };

  return {
    db,
    databaseUrl: sg.databaseUrl,
    execute: (query, variables, viewer) => sg.execute(query, variables, viewer) as never,
    viewer: (roles, userId) => sg.viewer(roles, userId),
    emitOnly,
    drained,
    async deliver(type, payload, producer) {
      const eventId = await emitOnly(type, payload, producer);
      await eventually(
        async () =>
          (await db.processedEvent.count({ where: { consumer: CONSUMER, eventId } })) > 0 ||
          // events gamification does not handle are skipped, not recorded
          (
            await db.$queryRaw<{ n: bigint }[]>`
            SELECT count(*) AS n FROM events.consumer_cursors c JOIN events.outbox o ON o.event_id = ${eventId}::uuid
            WHERE c.consumer = ${CONSUMER} AND c.seq >= o.seq`
          )[0]!.n > 0n,
        { what: `${type} to be consumed` },
      );
      return eventId;
    },
    async replayAll() {
      // A redelivery of everything: the consumer's cursor goes back to the start (its
      // processed-events record stays, as it does when Redis redelivers).
      await db.$executeRaw`UPDATE events.consumer_cursors SET seq = 0 WHERE consumer = ${CONSUMER}`;
      await drained();
    },
    stopWorkers: () => sg.stopWorkers(),
    startWorkers: () => sg.startWorkers(),
    stop: () => sg.stop(),
  };
}
