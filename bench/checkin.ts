import { randomUUID } from 'node:crypto';
import { signUp } from '../test/helpers/users';
import { redisUrlIfAvailable } from '../test/helpers/redis';
import { CHECK_IN, payOrder, publishedEvent, qrOf, ticketsIssued, viaGateway } from '../subgraphs/tickets/test/helpers';
import {
  REPLAY_POOL_MAX,
  compare,
  cpuProfiled,
  intOption,
  loadAverage,
  measure,
  outcomeOf,
  replaySql,
  sqlTemplate,
  stringOption,
  withStack,
} from './harness';

/**
 * `npm run bench -- checkin [--tickets 1000] [--concurrency 50] [--redis] [--cpu-prof FILE]`
 *
 * Issues `tickets` tickets (through a real OrderPaid event), then scans each once through the
 * gateway as assigned door staff, `concurrency` scans in flight at a time. Then the same SQL
 * statements one scan issued (captured from the stack's pool) run from a bare `pg` client for
 * as many other tickets of the event at the same concurrency: the database's own limit on this
 * machine. With `--cpu-prof` the scans run under the CPU profiler (`cpuProfiled`). Prints scans per second, p50/p99 latency, every outcome that is not ACCEPTED (a
 * status or an error code), the live count against the accepted scans, and the ratios.
 */
export default async function checkinBench(args: string[]): Promise<void> {
  const total = intOption(args, 'tickets', 1000);
  const concurrency = intOption(args, 'concurrency', 50);
  const cpuProfile = stringOption(args, 'cpu-prof');
  const redisUrl = args.includes('--redis') ? await redisUrlIfAvailable() : undefined;

  await withStack(
    async (stack) => {
      const org = await signUp(stack, 'bench-org@example.com', { roles: ['ORGANIZER'] });
      const buyer = await signUp(stack, 'bench-buyer@example.com');
      // Holds the tickets the bare client checks in (and the one scan whose SQL it replays).
      const other = await signUp(stack, 'bench-other@example.com');
      const scanner = await signUp(stack, 'bench-door@example.com', { roles: ['SCANNER'] });
      const event = await publishedEvent(viaGateway(stack, org.accessToken));
      await stack.gql(
        `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
        { e: event.eventId, u: scanner.id },
        { token: org.accessToken },
      );
      const order = await payOrder(stack.db, buyer.id, [{ ...event, quantity: total }]);
      const tickets = await ticketsIssued(stack.db, order.orderId, total);
      const otherOrder = await payOrder(stack.db, other.id, [{ ...event, quantity: total + 1 }]);
      const [sample, ...replayed] = await ticketsIssued(stack.db, otherOrder.orderId, total + 1);
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

      const scan = async (qr: string, nonce = randomUUID()): Promise<string> => {
        const res = await stack.gql(
          CHECK_IN,
          { input: { qr, eventId: event.eventId, nonce } },
          { token: scanner.accessToken },
        );
        return outcomeOf(res, (res.data?.checkIn?.status as string | undefined) ?? `HTTP ${res.status}`);
      };
      // One scan with the workers stopped, so its statements are the request's alone.
      const sampleQr = await qrOf(viaGateway(stack, other.accessToken), sample!.id);
      await stack.stopWorkers();
      const sampleNonce = randomUUID();
      const captured = await stack.captureSql(() => scan(sampleQr, sampleNonce));
      stack.startWorkers();
      if (captured.result !== 'ACCEPTED') throw new Error(`the sample scan was ${captured.result}`);

      const load = loadAverage();
      const service = await cpuProfiled(cpuProfile, () => measure(codes.length, concurrency, (i) => scan(codes[i]!)));
      const accepted = service.outcomes.ACCEPTED ?? 0;
      const template = sqlTemplate(
        captured.statements,
        (i) =>
          new Map([
            [sample!.id, replayed[i]!.id],
            [sampleNonce, randomUUID()],
          ]),
      );
      const limit = await replaySql(stack.databaseUrl, replayed.length, concurrency, template);

      // Scans of the other tickets (the sample, and the bare client's) count too.
      const expected = accepted + 1 + (limit.outcomes.OK ?? 0);
      const counted = await stack.db.eventCheckInCount.aggregate({
        where: { eventId: event.eventId },
        _sum: { count: true },
      });
      console.log(
        [
          `checkin: ${codes.length} scans, concurrency ${concurrency}, events over ${redisUrl ? 'Redis Streams' : 'the Postgres outbox'}, ${captured.statements.length} SQL statements per scan`,
          `  load average before ${load}; the bare client on ${Math.min(concurrency, REPLAY_POOL_MAX)} connections, the stack on 50`,
          compare('scans', service, limit),
          `  valid tickets not accepted ${codes.length - accepted}; the event's count ${counted._sum.count} of ${expected} accepted`,
        ].join('\n'),
      );
    },
    { redisUrl },
  );
}
