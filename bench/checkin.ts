import { randomUUID } from 'node:crypto';
import { redisUrlIfAvailable } from '../test/helpers/redis';
import { signUp } from '../test/helpers/users';
import { CHECK_IN, payOrder, publishedEvent, ticketsIssued, viaGateway } from '../subgraphs/tickets/test/helpers';
import { intOption, quantile, withStack } from './harness';

/**
 * `npm run bench -- checkin [--tickets 1000] [--concurrency 50] [--redis]`
 *
 * Issues `tickets` tickets (through a real OrderPaid event), then scans each once through the
 * gateway as assigned door staff, `concurrency` scans in flight at a time. Prints scans per
 * second and p50/p99 latency of the accepted scans.
 */
export default async function checkinBench(args: string[]): Promise<void> {
  const total = intOption(args, 'tickets', 1000);
  const concurrency = intOption(args, 'concurrency', 50);
  const redisUrl = args.includes('--redis') ? await redisUrlIfAvailable() : undefined;

  await withStack(
    async (stack) => {
      const org = await signUp(stack, 'bench-org@example.com', { roles: ['ORGANIZER'] });
      const buyer = await signUp(stack, 'bench-buyer@example.com');
      const scanner = await signUp(stack, 'bench-door@example.com', { roles: ['SCANNER'] });
      const event = await publishedEvent(viaGateway(stack, org.accessToken));
      await stack.gql(
        `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
        { e: event.eventId, u: scanner.id },
        { token: org.accessToken },
      );
      const order = await payOrder(stack.db, buyer.id, [{ ...event, quantity: total }]);
      const tickets = await ticketsIssued(stack.db, order.orderId, total);
      // The codes, read as their holder would (100 per page).
      const codes: string[] = [];
      let after: string | null = null;
      do {
        const page: {
          data?: {
            myTickets: {
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
              edges: { node: { qr: string } }[];
            };
          };
        } = await stack.gql(
          `query($after: String) { myTickets(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { qr } } } }`,
          { after },
          { token: buyer.accessToken },
        );
        const conn = page.data!.myTickets;
        codes.push(...conn.edges.map((e) => e.node.qr));
        after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      } while (after);
      if (codes.length !== tickets.length) throw new Error(`read ${codes.length} codes of ${tickets.length} tickets`);

      const latencies: number[] = [];
      let next = 0;
      let rejected = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < codes.length) {
            const qr = codes[next++]!;
            const t0 = performance.now();
            const res = await stack.gql(
              CHECK_IN,
              { input: { qr, eventId: event.eventId, nonce: randomUUID() } },
              { token: scanner.accessToken },
            );
            latencies.push(performance.now() - t0);
            if (res.data?.checkIn?.status !== 'ACCEPTED') rejected++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      console.log(
        [
          `checkin: ${codes.length} scans, concurrency ${concurrency}, events over ${redisUrl ? 'Redis Streams' : 'the Postgres outbox'}`,
          `  throughput  ${(codes.length / seconds).toFixed(0)} scans/s`,
          `  latency     p50 ${quantile(latencies, 0.5).toFixed(1)} ms   p99 ${quantile(latencies, 0.99).toFixed(1)} ms`,
          `  not accepted ${rejected}`,
        ].join('\n'),
      );
    },
    { redisUrl },
  );
}
