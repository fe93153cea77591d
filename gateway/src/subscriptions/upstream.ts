import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CREDENTIAL_HEADER } from '../../../shared/auth/credential';
import { ErrorCode } from '../../../shared/errors';
import type { Logger } from '../../../shared/logger';

/** One event of a subgraph subscription, as it came over the wire (errors already formatted). */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface UpstreamListener {
  next(event: UpstreamEvent): void;
  /** The upstream ended with errors (the subgraph's, or SERVICE_UNAVAILABLE when unreachable). */
  error(errors: readonly GraphQLFormattedError[]): void;
  complete(): void;
}

export interface UpstreamRequest {
  service: string;
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /**
   * The client's verified `Authorization`: what upstreams are shared by (one token, one
   * session). Sent only when the gateway has no credential signing key.
   */
  authorization?: string;
  /** What the subgraph is told about the viewer, asked at every (re)connect. */
  identity(): { credential?: string; authorization?: string };
}

export interface UpstreamOptions {
  /** The subgraph's GraphQL URL (routing URL or `SUBGRAPH_<NAME>_URL`); `http` becomes `ws`. */
  urlOf(service: string): string;
  subgraphSecret?: string;
  retryAttempts: number;
  retryDelayMs: number;
  logger: Logger;
}

interface SharedUpstream {
  listeners: Set<UpstreamListener>;
  unsubscribe(): void;
}

/** Exponential backoff stops doubling after this many attempts. */
const MAX_BACKOFF_DOUBLINGS = 3;

export function webSocketUrlOf(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function isFormattedErrors(value: unknown): value is GraphQLFormattedError[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((e) => typeof e === 'object' && e !== null && 'message' in e)
  );
}

/**
 * The gateway's subscriptions to subgraphs, shared: identical upstream subscriptions (same
 * subgraph, operation, variables and authorization) are one graphql-ws subscription, reference
 * counted by the client subscriptions listening to it. Each (subgraph, authorization) pair has
 * one WebSocket connection (the viewer's credential or token travels in `connectionParams`, so
 * it cannot be shared across tokens); it closes when its last subscription ends.
 *
 * When a subgraph drops the connection (restart, deploy), graphql-ws reconnects and
 * resubscribes every active subscription, up to `retryAttempts` times with backoff; events
 * published meanwhile are lost (lossy fan-out). After the last attempt, listeners get a
 * SERVICE_UNAVAILABLE error.
 */
export class UpstreamPool {
  private readonly clients = new Map<string, { client: Client; refs: number }>();
  private readonly shared = new Map<string, SharedUpstream>();

  constructor(private readonly options: UpstreamOptions) {}

  /** Upstream subscriptions open now. */
  get size(): number {
    return this.shared.size;
  }

  /** Listens to the upstream subscription for `request`, opening it if needed; returns the release. */
  subscribe(request: UpstreamRequest, listener: UpstreamListener): () => void {
    const key = JSON.stringify([
      request.service,
      request.operationName ?? null,
      request.query,
      request.variables,
      request.authorization ?? null,
    ]);
    const entry = this.shared.get(key) ?? this.open(key, request);
    entry.listeners.add(listener);
    return () => {
      if (!entry.listeners.delete(listener) || entry.listeners.size > 0) return;
      if (this.shared.get(key) === entry) this.shared.delete(key);
      entry.unsubscribe();
    };
  }

  /** Closes every upstream connection (shutdown); listeners are not notified. */
  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    this.shared.clear();
    await Promise.all(clients.map(({ client }) => disposeClient(client)));
  }

  private open(key: string, request: UpstreamRequest): SharedUpstream {
    const clientKey = JSON.stringify([request.service, request.authorization ?? null]);
    const held = this.clients.get(clientKey) ?? this.connect(clientKey, request);
    held.refs++;
    let released = false;
    const releaseClient = () => {
      if (released) return;
      released = true;
      if (--held.refs === 0 && this.clients.get(clientKey) === held) {
        this.clients.delete(clientKey);
        void disposeClient(held.client);
      }
    };
    const entry: SharedUpstream = { listeners: new Set(), unsubscribe: releaseClient };
    // Ends the shared entry before telling listeners, so a listener that resubscribes gets a new one.
    const finish = () => {
      if (this.shared.get(key) === entry) this.shared.delete(key);
      releaseClient();
      return [...entry.listeners];
    };
    this.shared.set(key, entry);
    const dispose = held.client.subscribe<Record<string, unknown>>(
      { query: request.query, operationName: request.operationName, variables: request.variables },
      {
        next: (result) => {
          // graphql-ws types `errors` as GraphQLError, but over the wire they are formatted JSON.
          const event: UpstreamEvent = {
            data: result.data,
            errors: result.errors,
          };
          for (const listener of [...entry.listeners]) listener.next(event);
        },
        error: (err: unknown) => {
          let errors: readonly GraphQLFormattedError[];
          if (isFormattedErrors(err)) {
            errors = err;
          } else {
            this.options.logger.warn('subgraph subscription lost', { subgraph: request.service, error: describe(err) });
            errors = [
              {
                message: `The ${request.service} service is unavailable`,
                extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
              },
            ];
          }
          for (const listener of finish()) listener.error(errors);
        },
        complete: () => {
          for (const listener of finish()) listener.complete();
        },
      },
    );
    entry.unsubscribe = () => {
      dispose();
      releaseClient();
    };
    return entry;
  }

  private connect(clientKey: string, request: UpstreamRequest): { client: Client; refs: number } {
    const { retryAttempts, retryDelayMs, subgraphSecret } = this.options;
    const client = createClient({
      url: webSocketUrlOf(this.options.urlOf(request.service)),
      webSocketImpl: WebSocket,
      // Built at every (re)connect: a viewer credential is short-lived.
      connectionParams: () => {
        const { credential, authorization } = request.identity();
        return {
          ...(credential ? { [CREDENTIAL_HEADER]: credential } : {}),
          ...(authorization ? { authorization } : {}),
          ...(subgraphSecret ? { 'x-subgraph-secret': subgraphSecret } : {}),
        };
      },
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts,
      // Any failure to (re)connect is worth the bounded retries: a restarting subgraph refuses
      // connections for a moment.
      shouldRetry: () => true,
      retryWait: (retries) => sleep(retryDelayMs * 2 ** Math.min(retries, MAX_BACKOFF_DOUBLINGS)),
    });
    const held = { client, refs: 0 };
    this.clients.set(clientKey, held);
    return held;
  }
}

/**
 * graphql-ws's `dispose()` waits for the connection in progress and rejects with its failure:
 * a reconnection to a subgraph that is down, or one given up because no subscription is left
 * (close 1000 "All Subscriptions Gone"). The client is finished either way; unhandled, that
 * rejection would crash the process.
 */
async function disposeClient(client: Client): Promise<void> {
  try {
    await client.dispose();
  } catch {
    // Already closed.
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'code' in err) return `closed with ${String(err.code)}`;
  return String(err);
}
