import type { Client } from 'graphql-ws';

/** What one subscription received, for assertions. */
export interface Collected<T> {
  events: T[];
  /** Error codes, from `error` messages and from results carrying errors. */
  codes: string[];
  /** Resolves when the subscription completes or fails. */
  ended: Promise<void>;
  unsubscribe(): void;
}

/** Subscribes and records every event and error code until it ends. */
export function collect<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown> = {}): Collected<T> {
  const collected = { events: [] as T[], codes: [] as string[] } as Collected<T>;
  collected.ended = new Promise<void>((resolve) => {
    collected.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.data) collected.events.push(result.data as T);
          for (const e of result.errors ?? []) collected.codes.push(String(e.extensions?.code));
        },
        error: (err) => {
          const errors = Array.isArray(err) ? (err as { extensions?: { code?: string } }[]) : [];
          collected.codes.push(...(errors.length ? errors.map((e) => String(e.extensions?.code)) : [`closed:${(err as { code?: number }).code}`]));
          resolve();
        },
        complete: resolve,
      },
    );
  });
  return collected;
}
