import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
  GatewaySchemaHash,
} from '@apollo/server-gateway-interface';
import type { DocumentNode, GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type WebSocket from 'ws';
import type { CredentialSigner } from '../../../shared/auth/credential';
import type { SessionChangeNotice } from '../../../shared/auth/session-changes';
import { viewerFromAuthorization, type TokenVerifier, type Viewer } from '../../../shared/auth/tokens';
import { unauthenticated } from '../../../shared/errors';
import { AsyncQueue } from '../../../shared/realtime/queue';
import { viewerIdentity, type GatewayContext } from '../subgraphs';
import type { SupergraphState } from './planner';
import type { UpstreamEvent, UpstreamPool } from './upstream';

/**
 * Close codes the gateway itself sends, besides graphql-ws's own `CloseCode`s (4400 bad
 * request, 4401/4403 refused, 4408 no init in time...): in the application range 4000-4999
 * like theirs, and distinct from every one of them.
 */
export const GatewayCloseCode = {
  /** A client that cannot keep up (slow-client policy, see the README): like 1008 "policy violation". */
  SlowConsumer: 4008,
} as const;

/** What every connection and subscription of one gateway shares. */
export interface SubscriptionRuntime {
  upstream: UpstreamPool;
  verifier: TokenVerifier;
  /** Mints the viewer credential of subgraph calls; absent: the client's token is forwarded. */
  sign?: CredentialSigner;
  logger: GatewayGraphQLRequestContext['logger'];
  /** Live client subscriptions (a supergraph reload ends them). */
  active: Set<ClientSubscription>;
  /** Event results shared between subscribers (see `EventResults`). */
  results: EventResults;
  /** Signed-in connections by user id, for the pushed session changes (`sessionChanged`). */
  signedIn: Map<string, Set<Connection>>;
  maxPendingEvents: number;
  maxBufferedBytes: number;
}

/**
 * A session change pushed by users (shared/auth/session-changes.ts): every connection it may
 * concern re-checks its session once, now; one whose session is gone ends its subscriptions
 * with UNAUTHENTICATED. `'resync'` (announcements may have been missed) re-checks them all.
 */
export function sessionChanged(runtime: SubscriptionRuntime, notice: SessionChangeNotice): void {
  const affected =
    notice === 'resync'
      ? [...runtime.signedIn.values()].flatMap((connections) => [...connections])
      : [...(runtime.signedIn.get(notice.userId) ?? [])].filter(
          (connection) => !notice.sessionId || connection.viewer?.sessionId === notice.sessionId,
        );
  for (const connection of affected) void connection.recheck();
}

/** The subgraph ended the subscription with these (already formatted) errors. */
export class SubscriptionEnded extends Error {
  override name = 'SubscriptionEnded';
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors[0]?.message ?? 'Subscription ended');
  }
}

/**
 * One client WebSocket connection: its token (from `connectionParams`), verified at connect and
 * at every subscribe (`authorize`), re-checked when users pushes a change of its session
 * (`recheck`), and a timer that ends every subscription with UNAUTHENTICATED when the token
 * expires. Events themselves read no session: a dead session has already ended them.
 */
export class Connection {
  readonly subscriptions = new Set<ClientSubscription>();
  /** Why events may no longer be delivered: the token expired or its session is gone. */
  private ended?: Error;
  private expiryTimer?: NodeJS.Timeout;

  constructor(
    readonly socket: WebSocket,
    /** The verified `Authorization` value; undefined for an anonymous connection. */
    readonly authorization: string | undefined,
    /** As of the last check; the token's roles may change while the connection lives. */
    public viewer: Viewer | null,
    readonly clientIp: string,
    private readonly runtime: SubscriptionRuntime,
  ) {
    if (viewer) {
      this.armExpiry(viewer.expiresAt);
      const connections = runtime.signedIn.get(viewer.userId) ?? new Set();
      connections.add(this);
      runtime.signedIn.set(viewer.userId, connections);
    }
  }

  /**
   * Throws UNAUTHENTICATED when the token has expired or its session is no longer live: the
   * token and session are checked again and the viewer's roles refreshed. Never shared with a
   * check already in flight: that one may have read the session before the change that
   * prompted this one.
   */
  async authorize(): Promise<void> {
    this.assertLive();
    if (!this.authorization) return;
    this.viewer = await viewerFromAuthorization(this.authorization, this.runtime.verifier);
  }

  /** Throws when events may no longer be delivered (no lookup: the flags that expiry and `recheck` set). */
  assertLive(): void {
    if (this.ended) throw this.ended;
  }

  /** A pushed change of this connection's session: re-check it, and end every subscription when it is gone. */
  async recheck(): Promise<void> {
    try {
      await this.authorize();
    } catch (err) {
      this.end(err instanceof Error ? err : unauthenticated('The session ended'));
    }
  }

  /** How the subgraph calls of this connection name its viewer (a fresh credential per call). */
  identity(): Pick<GatewayContext, 'credential' | 'authorization'> {
    return viewerIdentity(this.viewer, this.authorization, this.runtime.sign);
  }

  /**
   * Queues an event for a subscription, enforcing the slow-client policy: past
   * `maxBufferedBytes` unsent on the socket or `maxPendingEvents` waiting, the client is
   * dropped (`GatewayCloseCode.SlowConsumer`) instead of buffering without bound.
   */
  deliver(queue: AsyncQueue<UpstreamEvent>, event: UpstreamEvent): void {
    if (queue.isEnded) return;
    if (this.socket.bufferedAmount > this.runtime.maxBufferedBytes || queue.pending >= this.runtime.maxPendingEvents) {
      this.closeSlowConsumer();
      return;
    }
    queue.push(event);
  }

  /** The connection is gone: stop the expiry timer (graphql-ws returns its subscriptions). */
  dispose(): void {
    clearTimeout(this.expiryTimer);
    if (!this.viewer) return;
    const connections = this.runtime.signedIn.get(this.viewer.userId);
    connections?.delete(this);
    if (connections?.size === 0) this.runtime.signedIn.delete(this.viewer.userId);
  }

  private end(error: Error): void {
    this.ended ??= error;
    for (const subscription of [...this.subscriptions]) subscription.fail(this.ended);
  }

  private closeSlowConsumer(): void {
    // Release upstreams and buffers now; the close handshake may take long with a stuck peer.
    for (const subscription of [...this.subscriptions]) subscription.cancel();
    this.socket.close(GatewayCloseCode.SlowConsumer, 'Slow consumer');
  }

  /** Access tokens live `ACCESS_TOKEN_TTL_SECONDS` (minutes), far inside what one `setTimeout` can wait. */
  private armExpiry(expiresAt: Date): void {
    this.expiryTimer = setTimeout(
      () => this.end(unauthenticated('The access token expired')),
      Math.max(0, expiresAt.getTime() - Date.now()),
    );
    this.expiryTimer.unref();
  }
}

/** A validated, planned client subscription, before it starts. */
export class PreparedSubscription {
  readonly operationContext: ReturnType<typeof buildOperationContext>;
  /** What each event runs: the primary fetch (answered by the event) then the rest of the plan. */
  readonly eventPlan: QueryPlan;
  /** Identifies the operation and variables: subscribers with equal keys get equal results for equal events. */
  readonly operationKey: string;
  /** The rest of the plan selects only `@public` fields: its result is the same for every viewer. */
  readonly publicRest: boolean;

  constructor(
    readonly connection: Connection,
    readonly state: SupergraphState,
    readonly plan: SubscriptionNode,
    readonly request: {
      source: string;
      document: DocumentNode;
      operation: OperationDefinitionNode;
      operationName?: string;
      variables: Record<string, unknown>;
      requestId: string;
    },
  ) {
    this.operationContext = buildOperationContext({
      schema: state.apiSchema,
      operationDocument: request.document,
      operationName: request.operationName,
    });
    this.operationKey = JSON.stringify([request.operationName ?? null, request.source, request.variables]);
    this.publicRest = state.hasPublicRest(plan);
    this.eventPlan = {
      kind: 'QueryPlan',
      node: plan.rest ? { kind: 'Sequence', nodes: [plan.primary, plan.rest] } : plan.primary,
    };
  }
}

/**
 * Event results shared by the subscribers whose result cannot differ: same operation and
 * variables, same event (its data and errors, as the primary fetch answered them), and the same
 * viewer (`viewerKey`), or any viewer when the rest of the plan is `@public` (it then runs
 * anonymously). So the rest of the plan runs once per event and distinct viewer, or once per
 * event, instead of once per subscriber.
 *
 * A result starts in the check phase after its first subscriber asked for it (`setImmediate`):
 * the events the poll phase delivered meanwhile (one per upstream) join it. Each of them
 * arrived before its fetches were sent, so they read rows at least as new as the event
 * announced (events are published after commit), as a fetch of its own would. Once a result
 * has started, later arrivals start another.
 */
export class EventResults {
  private readonly pending = new Map<string, Promise<GatewayExecutionResult>>();

  resultOf(key: string, execute: () => Promise<GatewayExecutionResult>): Promise<GatewayExecutionResult> {
    let result = this.pending.get(key);
    if (!result) {
      result = new Promise((resolve, reject) =>
        setImmediate(() => {
          this.pending.delete(key);
          try {
            resolve(execute());
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        }),
      );
      this.pending.set(key, result);
    }
    return result;
  }
}

/** Who an event result is for when it depends on the viewer: the same viewer, roles and session get the same one. */
function viewerKey(viewer: Viewer | null): string {
  return viewer ? `${viewer.userId} ${viewer.sessionId} ${[...viewer.roles].sort().join(',')}` : '';
}

/** `executeQueryPlan` wants a cache for APQ, which subgraph calls here never use. */
const NO_CACHE: GatewayGraphQLRequestContext['cache'] = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
};

/**
 * One client subscription: listens to its (shared) upstream, and for each event, in order,
 * checks the connection is still live and runs the rest of the query plan with the client's
 * context, so payload fields owned by other subgraphs resolve per event as in a query.
 *
 * It is the async iterator graphql-ws drains: graphql-ws pulls the next event only after the
 * previous one was handed to the socket, which keeps events in order; `return()` (client
 * `complete`, disconnect) releases the upstream at once.
 */
export class ClientSubscription implements AsyncIterableIterator<GatewayExecutionResult> {
  private readonly queue: AsyncQueue<UpstreamEvent>;
  private release?: () => void;
  private readonly connection: Connection;

  constructor(
    private readonly prepared: PreparedSubscription,
    private readonly runtime: SubscriptionRuntime,
  ) {
    this.connection = prepared.connection;
    this.queue = new AsyncQueue({ maxPending: runtime.maxPendingEvents, onClose: () => this.cleanup() });
  }

  start(): this {
    const { primary } = this.prepared.plan;
    const { variables } = this.prepared.request;
    this.connection.subscriptions.add(this);
    this.runtime.active.add(this);
    this.release = this.runtime.upstream.subscribe(
      {
        service: primary.serviceName,
        query: primary.operation,
        operationName: primary.operationName,
        variables: Object.fromEntries(
          (primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
        ),
        authorization: this.connection.authorization,
        identity: () => this.connection.identity(),
      },
      {
        next: (event) => this.connection.deliver(this.queue, event),
        error: (errors) => this.queue.fail(new SubscriptionEnded(errors)),
        complete: () => this.queue.end(),
      },
    );
    return this;
  }

  /** Ends the subscription with `error` (sent to the client as its `error` message). */
  fail(error: Error): void {
    this.queue.fail(error);
  }

  /** Ends the subscription without telling the client (its connection is being dropped). */
  cancel(): void {
    void this.queue.return();
  }

  async next(): Promise<IteratorResult<GatewayExecutionResult>> {
    try {
      const item = await this.queue.next();
      if (item.done) return { value: undefined, done: true };
      this.connection.assertLive();
      return { value: await this.resultOf(item.value), done: false };
    } catch (err) {
      this.cancel();
      throw err;
    }
  }

  return(): Promise<IteratorResult<GatewayExecutionResult>> {
    this.cancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private resultOf(event: UpstreamEvent): Promise<GatewayExecutionResult> {
    const { operationKey, publicRest } = this.prepared;
    const viewer = publicRest ? null : this.connection.viewer;
    const key = JSON.stringify([operationKey, viewerKey(viewer), event.data ?? null, event.errors ?? null]);
    return this.runtime.results.resultOf(key, () => this.execute(event, viewer));
  }

  private cleanup(): void {
    this.release?.();
    this.connection.subscriptions.delete(this);
    this.runtime.active.delete(this);
  }

  /**
   * Runs the event plan: the primary fetch is answered by the event itself (exactly the first
   * call to its subgraph, since a Sequence runs the primary first); every other fetch goes to
   * the real subgraph with the client's context (a fresh viewer credential, as for HTTP), or
   * with no viewer at all when the rest is `@public` (`viewer` null).
   */
  private execute(event: UpstreamEvent, viewer: Viewer | null): Promise<GatewayExecutionResult> {
    const { state, plan, request, operationContext, eventPlan } = this.prepared;
    const primaryService = state.services[plan.primary.serviceName];
    if (!primaryService) throw new Error(`No data source for subgraph ${plan.primary.serviceName}`);
    let answered = false;
    const eventSource: GraphQLDataSource<GatewayContext> = {
      process: (options) => {
        if (answered) return primaryService.process(options);
        answered = true;
        return Promise.resolve({ data: event.data, errors: event.errors });
      },
    };
    const context: GatewayContext = {
      viewer,
      ...(viewer ? this.connection.identity() : {}),
      requestId: request.requestId,
      clientIp: this.connection.clientIp,
    };
    const requestContext: GatewayGraphQLRequestContext<GatewayContext> = {
      request: { query: request.source, operationName: request.operationName, variables: request.variables },
      logger: this.runtime.logger,
      schema: state.apiSchema,
      schemaHash: '' as GatewaySchemaHash,
      context,
      cache: NO_CACHE,
      queryHash: '',
      document: request.document,
      source: request.source,
      operationName: request.operationName ?? null,
      operation: request.operation,
      // Fresh per event: executeQueryPlan appends error paths to it.
      metrics: {},
      overallCachePolicy: undefined,
    };
    const services: ServiceMap = { ...state.services, [plan.primary.serviceName]: eventSource };
    return executeQueryPlan(eventPlan, services, requestContext, operationContext, state.supergraphSchema, state.api);
  }
}
