/**
 * The flood of `npm run bench -- flood`: `concurrency` requests of `query` in flight until
 * `stopped()`, counted by outcome (the first error code of each response, or OK).
 *
 * Forked by bench/flood.ts (FLOOD_GENERATOR=1), it runs in a process of its own: in the
 * benchmark's process its request building and JSON parsing would share the event loop with
 * the stack and the normal client it measures, and count against them. Told what to send by the
 * first IPC message (after saying `ready`), it floods until the second, then answers the outcomes.
 */
export interface FloodOrder {
  url: string;
  query: string;
  headers: Record<string, string>;
  concurrency: number;
}
export type FloodOutcomes = Record<string, number>;

export async function flood(order: FloodOrder, stopped: () => boolean): Promise<FloodOutcomes> {
  const outcomes: FloodOutcomes = {};
  const body = JSON.stringify({ query: order.query });
  await Promise.all(
    Array.from({ length: order.concurrency }, async () => {
      while (!stopped()) {
        let outcome: string;
        try {
          const response = await fetch(order.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...order.headers },
            body,
          });
          const result = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
          outcome = result.errors?.[0]?.extensions?.code ?? 'OK';
        } catch (err) {
          outcome = `failed: ${(err as Error).message}`;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  return outcomes;
}

if (process.env.FLOOD_GENERATOR === '1' && process.send) {
  process.once('message', (order: FloodOrder) => {
    let stop = false;
    process.once('message', () => {
      stop = true;
    });
    void flood(order, () => stop).then((outcomes) => process.send!(outcomes, () => process.disconnect()));
  });
  process.send('ready');
}
