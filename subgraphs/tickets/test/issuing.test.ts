import { applyOnce } from '../../../shared/events/bus';
import type { DomainEvent } from '../../../shared/events/catalog';
import { readPublishedAfter } from '../../../shared/events/outbox';
import { createLogger } from '../../../shared/logger';
import { eventually } from '../../../test/helpers/eventually';
import { describeWithRedis, testRedisUrl } from '../../../test/helpers/redis';
import { startStack, type Stack } from '../../../test/helpers/stack';
import { codeOf, signUp } from '../../../test/helpers/users';
import { generateStoredKey } from '../../../shared/auth/keys';
import { issueForOrder } from '../src/domain/event-handlers';
import { QrCodec, loadQrSigningKeys } from '../src/domain/qr';
import { ORDER_EVENTS_CONSUMER } from '../src/workers';
import { payOrder, processed, publishedEvent, refundLine, ticketsIssued, viaGateway } from './helpers';

/** The published event of the outbox with this id, as consumers receive it. */
async function published(stack: Stack, eventId: string): Promise<DomainEvent> {
  return eventually(async () => (await readPublishedAfter(stack.db, 0n, 10_000)).find((e) => e.eventId === eventId), {
    what: `event ${eventId} published`,
  });
}

/** Delivers an already delivered event again through the real transport. */
async function redeliver(stack: Stack, event: DomainEvent): Promise<void> {
  if (stack.redis) {
    await stack.redis.xadd(stack.eventStream, '*', 'event', JSON.stringify(event));
  } else {
    // The Postgres transport reads by cursor: winding it back makes the consumer re-read.
    await stack.db.consumerCursor.update({ where: { consumer: ORDER_EVENTS_CONSUMER }, data: { seq: 0n } });
  }
}

/** The issuing tests, over the transport of a stack with (Redis Streams) or without (Postgres outbox) this Redis. */
function issuingOver(redisUrl: string | undefined) {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ redisUrl });
  });
  afterAll(() => stack.stop());

  test('one ticket per unit, exactly once even when the consumer sees the event twice', async () => {
    const org = await signUp(stack, 'org@example.com', { roles: ['ORGANIZER'] });
    const buyer = await signUp(stack, 'buyer@example.com');
    const { eventId, ticketTypeId } = await publishedEvent(viaGateway(stack, org.accessToken));
    const order = await payOrder(stack.db, buyer.id, [{ ticketTypeId, eventId, quantity: 3 }]);

    const issued = await ticketsIssued(stack.db, order.orderId, 3);
    expect(issued.map((t) => [t.holderId, t.eventId, t.orderLineId, t.seatIndex, t.status])).toEqual(
      [0, 1, 2].map((seat) => [buyer.id, eventId, order.lineIds[0], seat, 'VALID']),
    );
    await processed(stack.db, order.eventId);

    // Redelivered through the transport: applyOnce's record stops it.
    await redeliver(stack, await published(stack, order.eventId));
    // A later event proves the consumer went past the redelivered one.
    const marker = await payOrder(stack.db, buyer.id, [{ ticketTypeId, eventId, quantity: 1 }]);
    await ticketsIssued(stack.db, marker.orderId, 1);
    expect(await stack.db.ticket.count({ where: { orderId: order.orderId } })).toBe(3);

    // Even with the processed record gone, the unique (orderLineId, seatIndex) issues nothing.
    await stack.db.processedEvent.deleteMany({ where: { eventId: order.eventId } });
    const logger = createLogger('test', 'silent');
    const qr = new QrCodec(loadQrSigningKeys({ json: JSON.stringify([generateStoredKey('ed25519')]) }));
    const event = (await published(stack, order.eventId)) as DomainEvent<'OrderPaid'>;
    await applyOnce(
      stack.db,
      ORDER_EVENTS_CONSUMER,
      { OrderPaid: (tx, e) => issueForOrder(tx, e.payload, { logger, qr }).then(() => undefined) },
      event,
    );
    expect(await stack.db.ticket.count({ where: { orderId: order.orderId } })).toBe(3);

    // The buyer sees them, through the gateway.
    const mine = await stack.gql(
      `{ myTickets(first: 10) { totalCount edges { node { id status holder { id } order { id } event { id } ticketType { id } } } } }`,
      {},
      { token: buyer.accessToken },
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myTickets.totalCount).toBe(4);
    expect(mine.data!.myTickets.edges[0].node).toMatchObject({
      holder: { id: buyer.id },
      order: { id: order.orderId },
      event: { id: eventId },
      ticketType: { id: ticketTypeId },
    });
  }, 120_000); // many steps, each waiting on the event workers: generous on a busy machine

  test('OrderRefunded voids that many VALID tickets of the line', async () => {
    const org = await signUp(stack, 'org2@example.com', { roles: ['ORGANIZER'] });
    const buyer = await signUp(stack, 'buyer2@example.com');
    const { eventId, ticketTypeId } = await publishedEvent(viaGateway(stack, org.accessToken));
    const order = await payOrder(stack.db, buyer.id, [{ ticketTypeId, eventId, quantity: 3 }]);
    await ticketsIssued(stack.db, order.orderId, 3);
    const refundId = await refundLine(stack.db, order, buyer.id, ticketTypeId, 2);
    await processed(stack.db, refundId);
    const statuses = (
      await stack.db.ticket.findMany({ where: { orderId: order.orderId }, orderBy: { seatIndex: 'asc' } })
    ).map((t) => t.status);
    expect(statuses).toEqual(['VALID', 'VOIDED', 'VOIDED']);
  });
}

describe('tickets issued from OrderPaid over the Postgres outbox', () => issuingOver(undefined));
// Without a Redis (a bare machine, never CI) these are reported as skipped.
describeWithRedis('tickets issued from OrderPaid over Redis Streams', () => issuingOver(testRedisUrl));

describe('who sees which tickets', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  test("a customer cannot read another customer's ticket; holder, organizer and ADMIN can", async () => {
    const org = await signUp(stack, 'org@example.com', { roles: ['ORGANIZER'] });
    const alice = await signUp(stack, 'alice@example.com');
    const mallory = await signUp(stack, 'mallory@example.com');
    const admin = await signUp(stack, 'admin@example.com', { roles: ['ADMIN'] });
    const { eventId, ticketTypeId } = await publishedEvent(viaGateway(stack, org.accessToken));
    const order = await payOrder(stack.db, alice.id, [{ ticketTypeId, eventId, quantity: 1 }]);
    const [ticket] = await ticketsIssued(stack.db, order.orderId, 1);
    const query = `query($id: ID!) { ticket(id: $id) { id qr holder { id } } }`;

    const stolen = await stack.gql(query, { id: ticket!.id }, { token: mallory.accessToken });
    expect(codeOf(stolen)).toBe('FORBIDDEN');
    expect(JSON.stringify(stolen.data)).not.toContain('TK1.');
    expect(codeOf(await stack.gql(query, { id: ticket!.id }))).toBe('UNAUTHENTICATED');
    for (const who of [alice, org, admin]) {
      const res = await stack.gql(query, { id: ticket!.id }, { token: who.accessToken });
      expect(res.data!.ticket).toMatchObject({ id: ticket!.id, holder: { id: alice.id } });
    }

    // User.tickets: only the user themself (or ADMIN), through the users entity.
    const userTickets = `query($id: ID!) { user(id: $id) { id tickets { totalCount } } }`;
    expect(
      (await stack.gql(userTickets, { id: alice.id }, { token: alice.accessToken })).data!.user.tickets.totalCount,
    ).toBe(1);
    expect(
      (await stack.gql(userTickets, { id: alice.id }, { token: admin.accessToken })).data!.user.tickets.totalCount,
    ).toBe(1);
  });

  test('_entities for Ticket called directly on the subgraph leaks nothing without a permitted token', async () => {
    const org = await signUp(stack, 'org5@example.com', { roles: ['ORGANIZER'] });
    const bob = await signUp(stack, 'bob@example.com');
    const eve = await signUp(stack, 'eve@example.com');
    const { eventId, ticketTypeId } = await publishedEvent(viaGateway(stack, org.accessToken));
    const order = await payOrder(stack.db, bob.id, [{ ticketTypeId, eventId, quantity: 1 }]);
    const [ticket] = await ticketsIssued(stack.db, order.orderId, 1);
    const entities = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Ticket { id qr status holder { id } } ... on Order { id tickets { id qr } } } }`;
    const url = stack.subgraphs.tickets!.url;
    for (const token of [undefined, eve.accessToken]) {
      for (const reps of [[{ __typename: 'Ticket', id: ticket!.id }], [{ __typename: 'Order', id: order.orderId }]]) {
        const res = await stack.gql(entities, { reps }, { url, token });
        const body = JSON.stringify(res.data ?? {});
        expect(body).not.toContain('TK1.');
        expect(body).not.toContain(ticket!.id);
        expect(body).not.toContain(bob.id);
      }
    }
    const own = await stack.gql(
      entities,
      { reps: [{ __typename: 'Ticket', id: ticket!.id }] },
      { url, token: bob.accessToken },
    );
    expect(own.data!._entities[0]).toMatchObject({ id: ticket!.id, status: 'VALID', holder: { id: bob.id } });
    const ofOrder = await stack.gql(
      entities,
      { reps: [{ __typename: 'Order', id: order.orderId }] },
      { url, token: bob.accessToken },
    );
    expect(ofOrder.data!._entities[0].tickets).toEqual([{ id: ticket!.id, qr: expect.stringMatching(/^TK1\./) }]);
  });
});
