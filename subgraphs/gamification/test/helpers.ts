import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { staticKeys } from '../../../shared/auth/jwks';
import { generateStoredSigningKey, loadSigningKeys, toPublicJwk } from '../../../shared/auth/keys';
import { prismaSessionLookup } from '../../../shared/auth/sessions';
import { createTokenVerifier, type Role, type Viewer } from '../../../shared/auth/tokens';
import { createPrisma, type Db } from '../../../shared/db';
import type { Worker } from '../../../shared/events/bus';
import type { EventCatalog, EventType } from '../../../shared/events/catalog';
import { emit, type Producer } from '../../../shared/events/outbox';
import { createLogger } from '../../../shared/logger';
import { createTestDatabase } from '../../../test/helpers/db';
import { eventually } from '../../../test/helpers/eventually';
import { TOKEN_SETTINGS } from '../../../test/helpers/stack';
import { createServer, type GamificationDeps } from '../src/server';
import { DEFAULT_SETTINGS, type GamificationSettings } from '../src/settings';
import { startWorkers } from '../src/workers';

/**
 * The gamification subgraph in process on a database of its own (the subgraph tier):
 * operations run through its whole schema with `execute`; other domains reach it the way they
 * really do, as rows of their events in the outbox (`deliver`), consumed by its own workers.
 */
export interface GamificationHarness {
  db: Db;
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
  const database = await createTestDatabase();
  const db = createPrisma({ databaseUrl: database.url, connectTimeoutMs: 5000, poolMax: 30 });
  const signingKeys = loadSigningKeys({ json: JSON.stringify([generateStoredSigningKey()]) });
  const deps: GamificationDeps = {
    db,
    logger: createLogger('test-gamification', 'silent'),
    verifier: createTokenVerifier({
      ...TOKEN_SETTINGS,
      keys: staticKeys(signingKeys.map(toPublicJwk)),
      sessions: prismaSessionLookup(db),
    }),
    exposeErrorDetails: true,
    introspection: true,
    now: options.now,
    settings: { ...DEFAULT_SETTINGS, leaderboardCoalesceMs: 50, ...options.settings },
  };
  const server = await createServer(deps);
  let workers: Worker[] = options.workers === false ? [] : startWorkers({ ...deps });

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
    async execute(query, variables, viewer = null) {
      return (await server.execute({ query, variables, viewer })) as never;
    },
    viewer(roles: Role | Role[] = 'CUSTOMER', userId: string = randomUUID()) {
      return {
        userId,
        roles: Array.isArray(roles) ? roles : [roles],
        sessionId: randomUUID(),
        expiresAt: new Date(Date.now() + 15 * 60_000),
      };
    },
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
    async stopWorkers() {
      await Promise.all(workers.map((w) => w.stop()));
      workers = [];
    },
    startWorkers() {
      workers = startWorkers({ ...deps });
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await db.$disconnect();
      await database.drop();
    },
  };
}
