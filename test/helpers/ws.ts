import type { Client } from 'graphql-ws';
import type { OperationData } from './stack';

/** What one subscription received, for assertions. */
export interface Collected<T> {
  events: T[];
  /** Error codes, from `error` messages and from results carrying errors. */
  codes: string[];
  /** Messages of the errors in `codes`, in the same order (a close records its reason). */
  messages: string[];
  /** Resolves when the subscription completes or fails. */
  ended: Promise<void>;
  unsubscribe(): void;
}

/** Subscribes and records every event and error code until it ends. */
export function collect<T = OperationData>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Collected<T> {
  const collected = { events: [] as T[], codes: [] as string[], messages: [] as string[] } as Collected<T>;
  collected.ended = new Promise<void>((resolve) => {
    collected.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.data) collected.events.push(result.data);
          for (const e of result.errors ?? []) {
            collected.codes.push(String(e.extensions?.code));
            collected.messages.push(e.message);
          }
        },
        error: (err) => {
          const errors = Array.isArray(err) ? (err as { message?: string; extensions?: { code?: string } }[]) : [];
          if (errors.length) {
            collected.codes.push(...errors.map((e) => String(e.extensions?.code)));
            collected.messages.push(...errors.map((e) => String(e.message)));
          } else {
            collected.codes.push(`closed:${(err as { code?: number }).code}`);
            collected.messages.push(String((err as { reason?: string }).reason ?? ''));
          }
          resolve();
        },
        complete: resolve,
      },
    );
  });
  return collected;
}
