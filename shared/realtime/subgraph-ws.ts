import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { GraphQLError, OperationTypeNode, getOperationAST, parse, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { secretMatches } from '../auth/secret';
import { CREDENTIAL_HEADER, viewerOfCall, type CallerAuthentication } from '../auth/credential';
import type { Viewer } from '../auth/tokens';
import { ErrorCode, createErrorFormatter } from '../errors';
import type { RequestContext } from '../subgraph';
import { inputViolation } from '../input-guard';
import { closeWebSocketServer } from './websocket';

/** What a connection established in `onConnect`, for every operation on it. */
type ConnectionState = { viewer: Viewer | null; requestId: string; clientIp: string };

function stringParam(params: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A subgraph's graphql-ws endpoint, on `/graphql` of its HTTP server: the gateway opens the
 * owning subgraph's subscriptions here (graphql-transport-ws protocol). It serves the same
 * schema as HTTP, so shield guards `subscribe` too (graphql-middleware wraps it), with the same
 * context building:
 *
 * - `connectionParams['x-subgraph-secret']` must match when a secret is configured, and
 *   `connectionParams['x-viewer-credential']` (the gateway's credential) or
 *   `connectionParams.authorization` must hold when present, checked as over HTTP
 *   (`viewerOfCall`); otherwise the connection is refused (graphql-ws closes it with 4403).
 * - `x-request-id` / `x-forwarded-for` params are the gateway's, as the HTTP headers are.
 * - Only subscriptions are accepted: queries and mutations go over HTTP, where Apollo's plugins
 *   (rate limits...) apply.
 * - Errors are masked by the same formatter as HTTP.
 */
export function serveSubgraphSubscriptions<TContext extends object>(options: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  auth: CallerAuthentication;
  subgraphSecret?: string;
  exposeErrorDetails: boolean;
  createContext(base: Omit<RequestContext, 'pubsub' | 'log'>): TContext | Promise<TContext>;
}): { stop(): Promise<void> } {
  const { schema } = options;
  const format = createErrorFormatter(options.exposeErrorDetails);
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const server = useServer<Record<string, unknown>, ConnectionState>(
    {
      isProd: !options.exposeErrorDetails,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams;
        if (
          options.subgraphSecret &&
          !secretMatches(options.subgraphSecret, stringParam(params, 'x-subgraph-secret'))
        ) {
          return false;
        }
        try {
          ctx.extra.viewer = await viewerOfCall(
            { credential: stringParam(params, CREDENTIAL_HEADER), authorization: stringParam(params, 'authorization') },
            options.auth,
          );
        } catch {
          return false;
        }
        ctx.extra.requestId = stringParam(params, 'x-request-id') ?? randomUUID();
        // The gateway's view of the client address, only once the secret proved the gateway.
        ctx.extra.clientIp =
          (options.subgraphSecret ? stringParam(params, 'x-forwarded-for') : undefined) ??
          ctx.extra.request.socket.remoteAddress ??
          'unknown';
        return true;
      },
      onSubscribe: (_ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as GraphQLError];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        if (getOperationAST(document, payload.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [
            new GraphQLError('Only subscriptions are served over WebSocket', {
              extensions: { code: ErrorCode.BAD_REQUEST },
            }),
          ];
        }
        const violation = inputViolation(document, payload.operationName, payload.variables);
        if (violation) return [violation];
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx) =>
        options.createContext({
          viewer: ctx.extra.viewer ?? null,
          requestId: ctx.extra.requestId ?? randomUUID(),
          clientIp: ctx.extra.clientIp ?? 'unknown',
        }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e.toJSON(), e)),
    },
    wss,
  );
  let stopping: Promise<void> | undefined;
  return { stop: () => (stopping ??= closeWebSocketServer(wss, () => server.dispose())) };
}
