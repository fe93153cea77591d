import { createPublicKey, verify } from 'node:crypto';
import { generateStoredKey } from '../../../shared/auth/keys';
import { startStack, type Stack } from '../../../test/helpers/stack';
import { codeOf, signUp } from '../../../test/helpers/users';
import { QrCodec, loadQrSigningKeys, type QrPublicJwk } from '../src/domain/qr';
import { CHECK_IN, payOrder, processed, publishedEvent, qrOf, refundLine, ticketsIssued, viaGateway } from './helpers';

let stack: Stack;
let org: Awaited<ReturnType<typeof signUp>>;
let buyer: Awaited<ReturnType<typeof signUp>>;
let scanner: Awaited<ReturnType<typeof signUp>>;
let event: { eventId: string; ticketTypeId: string };

beforeAll(async () => {
  stack = await startStack();
  org = await signUp(stack, 'org@example.com', { roles: ['ORGANIZER'] });
  buyer = await signUp(stack, 'buyer@example.com');
  scanner = await signUp(stack, 'door@example.com', { roles: ['SCANNER'] });
  event = await publishedEvent(viaGateway(stack, org.accessToken));
  const assigned = await stack.gql(
    `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
    { e: event.eventId, u: scanner.id },
    { token: org.accessToken },
  );
  expect(assigned.data).toEqual({ assignScanner: true });
});
afterAll(() => stack.stop());

/** Issues `quantity` tickets to the buyer; returns them with their QR codes. */
async function buyTickets(quantity: number, target = event) {
  const order = await payOrder(stack.db, buyer.id, [{ ...target, quantity }]);
  const tickets = await ticketsIssued(stack.db, order.orderId, quantity);
  return {
    order,
    tickets: await Promise.all(
      tickets.map(async (t) => ({ id: t.id, qr: await qrOf(viaGateway(stack, buyer.accessToken), t.id) })),
    ),
  };
}

/** The outbox's TicketCheckedIn events of a ticket. */
const checkedInEvents = (ticketId: string) =>
  stack.db.outboxEvent.findMany({
    where: { type: 'TicketCheckedIn', payload: { path: ['ticketId'], equals: ticketId } },
  });

const scan = (qr: string, nonce: string, token = scanner.accessToken, eventId = event.eventId) =>
  stack.gql(CHECK_IN, { input: { qr, eventId, nonce } }, { token });

describe('checkIn', () => {
  test('of 50 concurrent scans of one ticket exactly one is ACCEPTED; the rest see the first check-in time', async () => {
    const {
      order,
      tickets: [ticket],
    } = await buyTickets(1);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => scan(ticket!.qr, `concurrent-${i}-nonce`)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const accepted = results.filter((r) => r.data!.checkIn.status === 'ACCEPTED');
    const already = results.filter((r) => r.data!.checkIn.status === 'ALREADY_CHECKED_IN');
    expect(accepted).toHaveLength(1);
    expect(already).toHaveLength(49);
    const first = accepted[0]!.data!.checkIn.checkedInAt;
    expect(new Set(already.map((r) => r.data!.checkIn.checkedInAt))).toEqual(new Set([first]));
    expect(accepted[0]!.data!.checkIn.ticket).toEqual({ id: ticket!.id, status: 'CHECKED_IN', checkedInAt: first });
    expect(await stack.db.checkIn.count({ where: { ticketId: ticket!.id } })).toBe(1);
    // Announced once, with the accepted check-in (the scan and its event commit together).
    expect((await checkedInEvents(ticket!.id)).map((e) => e.payload)).toEqual([
      { ticketId: ticket!.id, eventId: event.eventId, orderId: order.orderId, holderId: buyer.id, checkedInAt: first },
    ]);
  });

  test('of 5 concurrent scans of each of 10 tickets exactly one each is ACCEPTED, and the event counts 10', async () => {
    // An event of its own, so its count is this test's scans alone.
    const night = await publishedEvent(viaGateway(stack, org.accessToken), { title: 'Crowded night' });
    const { tickets } = await buyTickets(10, night);
    // As a door app does: a busy answer is retried with the same nonce, after the hint.
    const scanUntilAnswered = async (qr: string, nonce: string) => {
      for (;;) {
        const res = await scan(qr, nonce, org.accessToken, night.eventId);
        if (codeOf(res) !== 'SERVICE_UNAVAILABLE') return res;
        await new Promise((resolve) => setTimeout(resolve, Number(res.errors![0]!.extensions!.retryAfterMs)));
      }
    };
    const results = await Promise.all(
      tickets.flatMap((t) =>
        Array.from({ length: 5 }, async (_, i) => ({
          ticketId: t.id,
          res: await scanUntilAnswered(t.qr, `crowd-${i}-${t.id}`),
        })),
      ),
    );
    for (const { res } of results) expect(res.errors).toBeUndefined();
    const accepted = results.filter(({ res }) => res.data!.checkIn.status === 'ACCEPTED').map((r) => r.ticketId);
    expect(accepted.sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(results.filter(({ res }) => res.data!.checkIn.status === 'ALREADY_CHECKED_IN')).toHaveLength(40);
    // The scans spread over several shard rows, which sum to the accepted scans.
    const shards = await stack.db.eventCheckInCount.findMany({ where: { eventId: night.eventId } });
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.reduce((sum, s) => sum + s.count, 0)).toBe(10);
  });

  test('a retry with the same nonce gets the same ACCEPTED result', async () => {
    const {
      tickets: [ticket],
    } = await buyTickets(1);
    const first = await scan(ticket!.qr, 'retry-nonce-0001');
    const again = await Promise.all([scan(ticket!.qr, 'retry-nonce-0001'), scan(ticket!.qr, 'retry-nonce-0001')]);
    expect(first.data!.checkIn.status).toBe('ACCEPTED');
    for (const r of again) expect(r.data).toEqual(first.data);
    // Another scan (another nonce) is a second use of the ticket.
    const other = await scan(ticket!.qr, 'retry-nonce-0002');
    expect(other.data!.checkIn).toMatchObject({
      status: 'ALREADY_CHECKED_IN',
      checkedInAt: first.data!.checkIn.checkedInAt,
    });
    // A nonce reused for another ticket is a client bug, not a silent success.
    const {
      tickets: [second],
    } = await buyTickets(1);
    const reused = await scan(second!.qr, 'retry-nonce-0001');
    expect(codeOf(reused)).toBe('CONFLICT');
    expect(reused.errors![0]!.extensions!.field).toBe('input.nonce');
    // Nothing of the refused scan is kept: its statement failed whole on the nonce.
    expect(await stack.db.ticket.findUnique({ where: { id: second!.id } })).toMatchObject({
      status: 'VALID',
      checkedInAt: null,
    });
    expect(await checkedInEvents(second!.id)).toEqual([]);
  });

  test('forged, tampered, other-event and voided codes are refused with their status', async () => {
    const { order, tickets } = await buyTickets(2);
    // Same format, a key we never published.
    const forger = new QrCodec(loadQrSigningKeys({ json: JSON.stringify([generateStoredKey('ed25519')]) }));
    const forged = await scan(forger.encode(tickets[0]!.id, event.eventId), 'forged-nonce-1');
    expect(forged.data!.checkIn).toEqual({ status: 'INVALID_SIGNATURE', ticket: null, checkedInAt: null });
    // A genuine code with the payload of another ticket swapped in.
    const [p, kid, , sig] = tickets[0]!.qr.split('.');
    const payload = tickets[1]!.qr.split('.')[2];
    expect((await scan([p, kid, payload, sig].join('.'), 'forged-nonce-2')).data!.checkIn.status).toBe(
      'INVALID_SIGNATURE',
    );
    expect((await scan('not a code', 'forged-nonce-3')).data!.checkIn.status).toBe('INVALID_SIGNATURE');

    // A genuine code of another event of the same organizer.
    const other = await publishedEvent(viaGateway(stack, org.accessToken), { title: 'Other night' });
    const {
      tickets: [foreign],
    } = await buyTickets(1, other);
    expect((await scan(foreign!.qr, 'wrong-event-1', org.accessToken)).data!.checkIn).toEqual({
      status: 'WRONG_EVENT',
      ticket: null,
      checkedInAt: null,
    });

    // Refunded: voided by OrderRefunded (highest seat first).
    const refundId = await refundLine(stack.db, order, buyer.id, event.ticketTypeId, 1);
    await processed(stack.db, refundId);
    expect((await scan(tickets[1]!.qr, 'voided-nonce-1')).data!.checkIn).toMatchObject({
      status: 'VOIDED',
      ticket: { id: tickets[1]!.id, status: 'VOIDED' },
    });
    expect((await scan(tickets[0]!.qr, 'voided-nonce-2')).data!.checkIn.status).toBe('ACCEPTED');
  });

  test('only assigned door staff, the organizer or ADMIN may check in', async () => {
    const {
      tickets: [ticket],
    } = await buyTickets(1);
    const stranger = await signUp(stack, 'other-door@example.com', { roles: ['SCANNER'] });
    for (const token of [stranger.accessToken, buyer.accessToken]) {
      expect(codeOf(await scan(ticket!.qr, `forbidden-${token.slice(-8)}`, token))).toBe('FORBIDDEN');
    }
    expect(codeOf(await scan(ticket!.qr, 'anonymous-nonce', ''))).toBe('UNAUTHENTICATED');
    expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket!.id } })).toMatchObject({
      status: 'VALID',
      checkedInAt: null,
    });
    expect(codeOf(await scan(ticket!.qr, 'short'))).toBe('BAD_USER_INPUT');
    expect((await scan(ticket!.qr, 'organizer-nonce', org.accessToken)).data!.checkIn.status).toBe('ACCEPTED');
  });

  test('the QR keys are published, and a code verifies offline with them', async () => {
    const {
      tickets: [ticket],
    } = await buyTickets(1);
    const base = stack.subgraphs.tickets!.url.replace(/\/graphql$/, '');
    const res = await fetch(`${base}/.well-known/qr-keys.json`);
    const { keys } = (await res.json()) as { keys: QrPublicJwk[] };
    const [prefix, kid, payload, signature] = ticket!.qr.split('.');
    const jwk = keys.find((k) => k.kid === kid)!;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    expect(verify(null, Buffer.from(`${prefix}.${kid}.${payload}`), key, Buffer.from(signature!, 'base64url'))).toBe(
      true,
    );
    // The payload is the two ids and nothing else.
    const bytes = Buffer.from(payload!, 'base64url');
    expect(bytes.subarray(0, 16).toString('hex')).toBe(ticket!.id.replace(/-/g, ''));
    expect(bytes.subarray(16).toString('hex')).toBe(event.eventId.replace(/-/g, ''));
  });
});
