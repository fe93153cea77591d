import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import {
  GraphQLError,
  OperationTypeNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { ClientAddress } from '../client-address';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { CredentialSigner } from '../../../shared/auth/credential';
import type { SessionChangeFeed } from '../../../shared/auth/session-changes';
import { viewerFromAuthorization, type TokenVerifier } from '../../../shared/auth/tokens';
import type { Config } from '../../../shared/config';
import { DomainError, ErrorCode, createErrorFormatter } from '../../../shared/errors';
import { inputViolation } from '../../../shared/input-guard';
import type { Logger } from '../../../shared/logger';
import { activeSubscriptions, onScrape, webSocketConnections } from '../../../shared/metrics';
import { closeWebSocketServer } from '../../../shared/realtime/websocket';
import { SubgraphDataSource, routingUrlFor, type SubgraphClients } from '../subgraphs';
import { costRefusal, operationCost, type CostBudgets } from '../limits';
import { SupergraphState } from './planner';
import {
  ClientSubscription,
  Connection,
  EventResults,
  PreparedSubscription,
  SubscriptionEnded,
  sessionChanged,
  type SubscriptionRuntime,
} from './subscription';
import { UpstreamPool } from './upstream';

/** The part of ApolloGateway this module listens to. */
export interface SchemaSource {
  onSchemaLoadOrUpdate(callback: (schema: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void): () => void;
}

export interface SubscriptionServer {
  /** Upstream (gateway → subgraph) subscriptions open now. */
  readonly upstreamSubscriptions: number;
  /** Closes every client with 1001 and every upstream connection. */
  stop(): Promise<void>;
}

type ConnectionExtra = { connection: Connection };

function stringParam(params: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' ? value : undefined;
}

const requestError = (message: string, code: ErrorCode, error?: GraphQLError) =>
  new GraphQLError(message, {
    nodes: error?.nodes,
    source: error?.source,
    positions: error?.positions,
    extensions: { ...error?.extensions, code },
  });

/**
 * GraphQL subscriptions over WebSocket (graphql-transport-ws, the `graphql-ws` library) on the
 * gateway's `/graphql`, beside HTTP. @apollo/gateway cannot execute subscription plans, so this
 * module plans them itself (same planner and supergraph) and runs them in two parts: the
 * primary fetch as a graphql-ws subscription to the owning subgraph (shared by identical
 * client subscriptions), and the rest of the plan per event with `executeQueryPlan`.
 *
 * Contract (details in gateway/README.md):
 * - `connectionParams.authorization` (`Bearer …`) authenticates the connection; an invalid one
 *   is refused with 4403, none is anonymous. A connection that sends no `connection_init`
 *   within 3 s is closed with 4408 (graphql-ws).
 * - Each subscribe is parsed and validated against the API schema with the HTTP limits
 *   (`validationRules`), capped at MAX_SUBSCRIPTIONS_PER_CONNECTION operations, and re-checks the
 *   token and its session. Events read no session: users pushes every revocation (and role
 *   change) of a session (`sessionChanges`), which re-checks that session's connections at
 *   once and ends their subscriptions with UNAUTHENTICATED when it is gone; the token's expiry
 *   ends them too.
 * - Only subscriptions: queries and mutations go over HTTP.
 * - Errors are masked by the same formatter as HTTP.
 */
export function serveSubscriptions(options: {
  httpServer: http.Server;
  gateway: SchemaSource;
  config: Config;
  verifier: TokenVerifier;
  /** Mints the viewer credential of subgraph calls; absent: the client's token is forwarded. */
  sign?: CredentialSigner;
  /** users' pushed session revocations and role changes. */
  sessionChanges: SessionChangeFeed;
  logger: Logger;
  apolloLogger: GatewayGraphQLRequestContext['logger'];
  validationRules: ValidationRule[];
  /** The gateway's subgraph HTTP clients (the rest of a subscription's plan fetches through them). */
  clients: SubgraphClients;
  costBudgets: CostBudgets;
  clientAddress: ClientAddress;
}): SubscriptionServer {
  const { config, logger } = options;
  const format = createErrorFormatter(config.isDevelopment, { hideSuggestions: config.isProduction });
  const rules = [...specifiedRules, ...options.validationRules];
  const runtime: SubscriptionRuntime = {
    upstream: new UpstreamPool({
      urlOf: (name) => {
        const url = state?.urls[name];
        if (!url) throw new Error(`Unknown subgraph ${name}`);
        return url;
      },
      subgraphSecret: config.SUBGRAPH_SECRET,
      retryAttempts: config.SUBSCRIPTION_UPSTREAM_RETRY_ATTEMPTS,
      retryDelayMs: config.SUBSCRIPTION_UPSTREAM_RETRY_DELAY_MS,
      logger,
    }),
    verifier: options.verifier,
    sign: options.sign,
    logger: options.apolloLogger,
    active: new Set(),
    results: new EventResults(),
    signedIn: new Map(),
    maxPendingEvents: config.SUBSCRIPTION_MAX_PENDING_EVENTS,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
  };
  const unsubscribeSessionChanges = options.sessionChanges.subscribe((notice) => sessionChanged(runtime, notice));

  let state: SupergraphState | undefined;
  // A reload ends live subscriptions with SERVICE_UNAVAILABLE: their plans, subgraphs or even
  // fields may be gone, and a client that resubscribes gets the new plan. (Production serves a
  // fixed supergraph file, so this happens only with GATEWAY_COMPOSE_FROM_SUBGRAPHS.)
  const unsubscribeSchema = options.gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    const previous = state;
    try {
      state = new SupergraphState({
        coreSupergraphSdl,
        apiSchema,
        routingUrl: (subgraph) => routingUrlFor(config, subgraph),
        // Never deduplicated: an event's fetches must read what the event changed, not share a
        // fetch that started before it (the previous event's, with the same variables).
        dataSource: (name, url) =>
          new SubgraphDataSource(options.clients.for(name, url), config.SUBGRAPH_SECRET, false),
      });
    } catch (err) {
      logger.error('subscriptions cannot use the new supergraph', { error: (err as Error).message });
      return;
    }
    if (!previous) return;
    const error = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The API schema changed; subscribe again');
    for (const subscription of [...runtime.active]) subscription.fail(error);
  });

  // A message larger than an HTTP body is refused the same way: ws closes the socket with 1009
  // before parsing it.
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: config.MAX_BODY_BYTES });
  const server = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      isProd: config.isProduction,
      onConnect: async (ctx) => {
        const authorization = stringParam(ctx.connectionParams, 'authorization');
        let viewer;
        try {
          viewer = await viewerFromAuthorization(authorization, options.verifier);
        } catch {
          return false; // graphql-ws closes with CloseCode.Forbidden (4403)
        }
        const clientIp = options.clientAddress(ctx.extra.request);
        ctx.extra.connection = new Connection(ctx.extra.socket, authorization || undefined, viewer, clientIp, runtime);
        webSocketConnections.inc();
        return true;
      },
      onClose: (ctx) => {
        if (!ctx.extra.connection) return;
        webSocketConnections.dec();
        ctx.extra.connection.dispose();
      },
      onSubscribe: async (ctx, _id, payload) => {
        const connection = ctx.extra.connection;
        // Unreachable: graphql-ws refuses `subscribe` before the connection is acknowledged.
        if (!connection) return [requestError('Connection not initialised', ErrorCode.BAD_REQUEST)];
        // `ctx.subscriptions` already holds this one.
        if (Object.keys(ctx.subscriptions).length > config.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            new DomainError(
              ErrorCode.RATE_LIMITED,
              `At most ${config.MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`,
              {
                limit: config.MAX_SUBSCRIPTIONS_PER_CONNECTION,
              },
            ),
          ];
        }
        const current = state;
        if (!current) return [new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The schema is not loaded yet')];

        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: config.MAX_QUERY_TOKENS });
        } catch (err) {
          return [requestError((err as GraphQLError).message, ErrorCode.GRAPHQL_PARSE_FAILED, err as GraphQLError)];
        }
        const invalid = validate(current.apiSchema, document, rules);
        if (invalid.length > 0)
          return invalid.map((e) => requestError(e.message, ErrorCode.GRAPHQL_VALIDATION_FAILED, e));
        const operationName = payload.operationName ?? undefined;
        const operation = getOperationAST(document, operationName);
        if (!operation) return [requestError('Unable to identify the operation', ErrorCode.BAD_REQUEST)];
        if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [
            requestError(
              'Only subscriptions are served over WebSocket; send queries and mutations over HTTP',
              ErrorCode.BAD_REQUEST,
            ),
          ];
        }
        const variables = payload.variables ?? {};
        const violation = inputViolation(document, operationName, variables);
        if (violation) return [violation];
        const coerced = getVariableValues(current.apiSchema, operation.variableDefinitions ?? [], variables);
        if (coerced.errors) return coerced.errors.map((e) => requestError(e.message, ErrorCode.BAD_USER_INPUT, e));
        const tooCostly = costRefusal(
          options.costBudgets,
          connection.viewer != null,
          operationCost(current.apiSchema, document, operationName, coerced.coerced),
        );
        if (tooCostly) return [tooCostly];

        try {
          await connection.authorize();
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        let plan;
        try {
          plan = current.plan(payload.query, document, operationName);
        } catch (err) {
          logger.error('subscription planning failed', { error: (err as Error).message });
          return [
            new GraphQLError('The subscription cannot be planned', {
              extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
            }),
          ];
        }
        const prepared = new PreparedSubscription(connection, current, plan, {
          source: payload.query,
          document,
          operation,
          operationName,
          variables,
          requestId: randomUUID(),
        });
        return {
          schema: current.apiSchema,
          document,
          operationName,
          variableValues: variables,
          contextValue: prepared,
        };
      },
      subscribe: (args) => {
        if (!(args.contextValue instanceof PreparedSubscription)) throw new Error('Subscription was not prepared');
        return new ClientSubscription(args.contextValue, runtime).start();
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : undefined,
      onError: (_ctx, _id, _payload, errors): GraphQLFormattedError[] =>
        errors.flatMap((e) =>
          (e.originalError instanceof SubscriptionEnded ? e.originalError.errors : [e.toJSON()]).map(format),
        ),
    },
    wss,
  );

  const unwatch = onScrape(() => {
    activeSubscriptions.set(runtime.active.size);
  });
  let stopping: Promise<void> | undefined;
  return {
    get upstreamSubscriptions() {
      return runtime.upstream.size;
    },
    stop() {
      stopping ??= (async () => {
        unsubscribeSchema();
        unwatch();
        unsubscribeSessionChanges();
        await closeWebSocketServer(wss, () => server.dispose());
        await runtime.upstream.close();
      })();
      return stopping;
    },
  };
}
