/**
 * The domain subscriptions end to end: the official graphql-ws client against the real
 * gateway, in front of the real subgraphs, with changes made through the API.
 *
 * A subscription is live once the owning subgraph has subscribed to its channel, which the
 * client cannot see. Tests wait for that by publishing a probe on the channel, as the domain
 * would (the same payload a no-op change would publish), until the client receives one; the
 * events of one channel from one publisher arrive in order, so every later event follows the
 * probes.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { pubsubFor, type PubSub } from '../../shared/realtime/pubsub';
import {
  channels as orderChannels,
  type AvailabilityChanged,
  type OrderChanged,
} from '../../subgraphs/orders/src/realtime';
import { channels as supportChannels, type MessageNotice } from '../../subgraphs/support/src/realtime';
import { channels as ticketChannels, type CheckInNotice } from '../../subgraphs/tickets/src/realtime';
import {
  CHECK_IN,
  checkout,
  eventOnSale,
  newAccount,
  ok,
  productsInStock,
  simulatePayment,
  ticketsOf,
  type Account,
} from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { describeWithRedis, testRedisUrl } from '../helpers/redis';
import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';
import { collect, type Collected } from '../helpers/ws';

const clients: Client[] = [];

function connect(url: string, token?: string): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/** Publishes `probe` until every subscriber has received an event (see the file comment). */
async function untilLive(subs: Collected<unknown>[], probe: () => Promise<void>): Promise<void> {
  await eventually(
    async () => {
      if (subs.every((s) => s.events.length > 0)) return true;
      await probe(); // looked at on the next poll
      return false;
    },
    { what: 'the subscriptions to be live', intervalMs: 50 },
  );
}

/** Waits for the subscription to end and returns its error codes. */
async function endedWith(sub: Collected<unknown>): Promise<string[]> {
  await sub.ended;
  return sub.codes;
}

const ORDER_UPDATED = `subscription($id: ID!) {
  orderUpdated(id: $id) { id status buyer { email } tickets { id status } }
}`;

interface OrderEvent {
  orderUpdated: { id: string; status: string; buyer: { email: string }; tickets: { id: string; status: string }[] };
}

async function orderAudience(stack: Stack, orderId: string): Promise<OrderChanged> {
  const order = await stack.db.order.findUniqueOrThrow({ where: { id: orderId }, include: { lines: true } });
  return { orderId, buyerId: order.buyerId, sellerIds: [...new Set(order.lines.map((l) => l.sellerId))] };
}

let stack: Stack;
/** The pub/sub the stack's subgraphs publish on (in-process: the stack has no Redis). */
let pubsub: PubSub;
let organizer: Account;

beforeAll(async () => {
  stack = await startStack();
  pubsub = pubsubFor({});
  organizer = await newAccount(stack, 'organizer', ['ORGANIZER']);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map(async (c) => c.dispose()));
  await stack.stop();
});

describe('orderUpdated', () => {
  it('delivers each change with fields of other subgraphs; refuses other customers; ends when the session is revoked', async () => {
    const buyerEmail = `buyer-${randomUUID().slice(0, 8)}@example.com`;
    const buyer = await signUp(stack, buyerEmail);
    const { ticketTypeIds } = await eventOnSale(stack, organizer, [{ capacity: 10 }]);
    const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: ticketTypeIds[0]!, quantity: 2 }]);
    const audience = await orderAudience(stack, order.orderId);

    const sub = collect<OrderEvent>(connect(stack.gateway.url, buyer.accessToken), ORDER_UPDATED, {
      id: order.orderId,
    });
    await untilLive([sub], () => pubsub.publish(orderChannels.order(order.orderId), audience));
    expect(sub.events[0]!.orderUpdated).toMatchObject({
      id: order.orderId,
      status: 'PENDING_PAYMENT',
      buyer: { email: buyerEmail },
      tickets: [],
    });

    expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');
    await eventually(async () => sub.events.some((e) => e.orderUpdated.status === 'PAID'), { what: 'the PAID event' });
    // Tickets are issued by the tickets subgraph after the payment; their issue is an event too.
    const withTickets = await eventually(
      async () => sub.events.find((e) => e.orderUpdated.tickets.length === 2)?.orderUpdated,
      { what: 'an event with the issued tickets' },
    );
    expect(withTickets).toMatchObject({ status: 'PAID', buyer: { email: buyerEmail } });
    expect(withTickets.tickets.map((t) => t.status)).toEqual(['VALID', 'VALID']);
    expect(sub.codes).toEqual([]);

    const other = await newAccount(stack, 'other');
    expect(
      await endedWith(collect(connect(stack.gateway.url, other.accessToken), ORDER_UPDATED, { id: order.orderId })),
    ).toEqual(['FORBIDDEN']);
    expect(await endedWith(collect(connect(stack.gateway.url), ORDER_UPDATED, { id: order.orderId }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(
      await endedWith(collect(connect(stack.gateway.url, buyer.accessToken), ORDER_UPDATED, { id: randomUUID() })),
    ).toEqual(['FORBIDDEN']);

    await ok(stack, `mutation($t: String!) { logout(refreshToken: $t) }`, { t: buyer.refreshToken });
    const seen = sub.events.length;
    await pubsub.publish(orderChannels.order(order.orderId), audience);
    expect(await endedWith(sub)).toEqual(['UNAUTHENTICATED']);
    expect(sub.events).toHaveLength(seen);
  });

  it('is followed by the seller of a line and ADMIN too', async () => {
    const buyer = await newAccount(stack, 'buyer');
    const admin = await newAccount(stack, 'admin', ['ADMIN']);
    const { ticketTypeIds } = await eventOnSale(stack, organizer, [{ capacity: 5 }]);
    const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: ticketTypeIds[0]!, quantity: 1 }]);
    const query = 'subscription($id: ID!) { orderUpdated(id: $id) { status } }';
    const subs = [organizer, admin].map((a) =>
      collect<{ orderUpdated: { status: string } }>(connect(stack.gateway.url, a.accessToken), query, {
        id: order.orderId,
      }),
    );
    const audience = await orderAudience(stack, order.orderId);
    await untilLive(subs, () => pubsub.publish(orderChannels.order(order.orderId), audience));
    await ok(stack, `mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: order.orderId }, buyer.accessToken);
    for (const sub of subs) {
      await eventually(async () => sub.events.at(-1)?.orderUpdated.status === 'CANCELLED', {
        what: 'the CANCELLED event',
      });
      expect(sub.codes).toEqual([]);
    }
  });
});

describe('checkIns', () => {
  const CHECK_INS = `subscription($eventId: ID!) { checkIns(eventId: $eventId) { checkedInCount checkedInAt ticket { id status } } }`;
  const TICKETS = 100;
  const SCANS_PER_TICKET = 2;

  it('counts 200 concurrent scans live: one event per accepted scan, the last count equal to the accepted scans', async () => {
    const buyer = await newAccount(stack, 'crowd');
    const scanner = await newAccount(stack, 'scanner', ['SCANNER']);
    const { eventId, ticketTypeIds } = await eventOnSale(stack, organizer, [
      { capacity: TICKETS, maxPerOrder: TICKETS },
    ]);
    await ok(
      stack,
      `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
      { e: eventId, u: scanner.id },
      organizer.accessToken,
    );
    const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: ticketTypeIds[0]!, quantity: TICKETS }]);
    await simulatePayment(stack, buyer.accessToken, order.orderId);
    const tickets = await ticketsOf(stack, buyer.accessToken, order.orderId, TICKETS, 20_000);

    const customer = await newAccount(stack, 'nosy');
    expect(await endedWith(collect(connect(stack.gateway.url, customer.accessToken), CHECK_INS, { eventId }))).toEqual([
      'FORBIDDEN',
    ]);

    type CheckInsEvent = { checkIns: { checkedInCount: number; ticket: { id: string; status: string } } };
    const subs = [scanner, organizer].map((a) =>
      collect<CheckInsEvent>(connect(stack.gateway.url, a.accessToken), CHECK_INS, { eventId }),
    );
    // Probes name a real ticket with a count of 0, so they are told apart from real scans.
    const probe: CheckInNotice = {
      eventId,
      ticketId: tickets[0]!.id,
      checkedInAt: new Date().toISOString(),
      checkedInCount: 0,
    };
    await untilLive(subs, () => pubsub.publish(ticketChannels.checkIns(eventId), probe));

    const scans = tickets.flatMap((t) =>
      Array.from({ length: SCANS_PER_TICKET }, (_, i) => ({ qr: t.qr, eventId, nonce: `scan-${i}-${t.id}` })),
    );
    const results = await Promise.all(
      scans.map(async (input) => (await ok(stack, CHECK_IN, { input }, scanner.accessToken)).checkIn.status as string),
    );
    const accepted = results.filter((s) => s === 'ACCEPTED').length;
    expect(accepted).toBe(TICKETS);

    for (const sub of subs) {
      const real = () => sub.events.filter((e) => e.checkIns.checkedInCount > 0);
      await eventually(async () => real().length >= accepted, {
        what: `${accepted} check-in events`,
        timeoutMs: 20_000,
      });
      const events = real();
      expect(events).toHaveLength(accepted);
      expect(events.at(-1)!.checkIns.checkedInCount).toBe(accepted);
      expect(new Set(events.map((e) => e.checkIns.ticket.id)).size).toBe(accepted);
      expect(events.every((e) => e.checkIns.ticket.status === 'CHECKED_IN')).toBe(true);
      // The running count never goes back.
      const counts = events.map((e) => e.checkIns.checkedInCount);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(sub.codes).toEqual([]);
    }
  }, 90_000);
});

describe('eventAvailabilityChanged', () => {
  const AVAILABILITY = `subscription($eventId: ID!) {
    eventAvailabilityChanged(eventId: $eventId) { event { id } ticketTypes { ticketType { id name } available sold } }
  }`;
  type AvailabilityEvent = {
    eventAvailabilityChanged: {
      event: { id: string };
      ticketTypes: { ticketType: { id: string; name: string }; available: number; sold: number }[];
    };
  };

  it('is public: a checkout lowers availability, a refund and an expiry raise it', async () => {
    const buyer = await newAccount(stack, 'fan');
    const { eventId, ticketTypeIds } = await eventOnSale(stack, organizer, [{ name: 'Standing', capacity: 10 }]);
    const typeId = ticketTypeIds[0]!;
    const sub = collect<AvailabilityEvent>(connect(stack.gateway.url), AVAILABILITY, { eventId });
    await untilLive([sub], () =>
      pubsub.publish(orderChannels.availability(eventId), { eventId } satisfies AvailabilityChanged),
    );
    const last = () => sub.events.at(-1)!.eventAvailabilityChanged;
    expect(last()).toEqual({
      event: { id: eventId },
      ticketTypes: [{ ticketType: { id: typeId, name: 'Standing' }, available: 10, sold: 0 }],
    });
    const expectNext = async (available: number, sold: number, what: string) => {
      await eventually(
        async () => last().ticketTypes[0]!.available === available && last().ticketTypes[0]!.sold === sold,
        { what: what },
      );
    };

    const paid = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId, quantity: 3 }]);
    await expectNext(7, 0, 'the checkout to hold 3');
    await simulatePayment(stack, buyer.accessToken, paid.orderId);
    await expectNext(7, 3, 'the payment to sell 3');
    await ok(
      stack,
      `mutation($id: ID!) { refundOrder(id: $id, reason: "Changed plans") { status } }`,
      { id: paid.orderId },
      organizer.accessToken,
    );
    await expectNext(10, 0, 'the refund to give 3 back');

    const unpaid = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId, quantity: 4 }]);
    await expectNext(6, 0, 'the checkout to hold 4');
    // As if the hold time had passed: the expiry worker releases it.
    await stack.db.order.update({ where: { id: unpaid.orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectNext(10, 0, 'the expiry to give 4 back');
    expect(sub.codes).toEqual([]);
  });
});

describe('support subscriptions', () => {
  const MESSAGES = `subscription($ticketId: ID!, $visitorToken: String) {
    supportMessageAdded(ticketId: $ticketId, visitorToken: $visitorToken) { id body internal author { kind } }
  }`;
  type MessageEvent = { supportMessageAdded: { id: string; body: string; internal: boolean } };
  const REPLY = `mutation($input: ReplyToSupportTicketInput!) { replyToSupportTicket(input: $input) { id } }`;

  const probeOf = (ticketId: string): MessageNotice => ({
    id: randomUUID(),
    ticketId,
    authorKind: 'SYSTEM',
    authorId: null,
    authorName: null,
    body: 'probe',
    format: 'PLAIN',
    internal: false,
    createdAt: new Date().toISOString(),
    externalId: null,
  });

  let agent: Account;
  beforeAll(async () => {
    agent = await newAccount(stack, 'agent', ['AGENT']);
  });

  it('never sends internal notes to the customer; agents get them', async () => {
    const customer = await newAccount(stack, 'asker');
    const created = await ok(
      stack,
      `mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) { id } }`,
      { input: { subject: 'Lost ticket', message: 'I cannot find my ticket' } },
      customer.accessToken,
    );
    const ticketId = created.createSupportTicket.id as string;
    const asCustomer = collect<MessageEvent>(connect(stack.gateway.url, customer.accessToken), MESSAGES, { ticketId });
    const asAgent = collect<MessageEvent>(connect(stack.gateway.url, agent.accessToken), MESSAGES, { ticketId });
    await untilLive([asCustomer, asAgent], () => pubsub.publish(supportChannels.messages(ticketId), probeOf(ticketId)));

    await ok(stack, REPLY, { input: { ticketId, body: 'Customer seems upset', internal: true } }, agent.accessToken);
    await ok(stack, REPLY, { input: { ticketId, body: 'We have re-sent it' } }, agent.accessToken);
    await ok(stack, REPLY, { input: { ticketId, body: 'Thanks!' } }, customer.accessToken);

    const bodies = (sub: Collected<MessageEvent>) =>
      sub.events.map((e) => e.supportMessageAdded.body).filter((b) => b !== 'probe');
    await eventually(async () => bodies(asCustomer).length === 2 && bodies(asAgent).length === 3, {
      what: 'the messages',
    });
    expect(bodies(asCustomer)).toEqual(['We have re-sent it', 'Thanks!']);
    expect(asCustomer.events.every((e) => !e.supportMessageAdded.internal)).toBe(true);
    expect(bodies(asAgent)).toEqual(['Customer seems upset', 'We have re-sent it', 'Thanks!']);

    const stranger = await newAccount(stack, 'stranger');
    expect(await endedWith(collect(connect(stack.gateway.url, stranger.accessToken), MESSAGES, { ticketId }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('gives a visitor their own ticket only, without internal notes', async () => {
    const widget = `mutation($input: CreateWidgetTicketInput!) { createWidgetTicket(input: $input) { ticket { id } visitorToken } }`;
    const open = async (name: string) =>
      (
        await ok(stack, widget, {
          input: {
            name,
            email: `${name}-${randomUUID().slice(0, 6)}@example.com`,
            subject: 'Question',
            message: 'Hello',
          },
        })
      ).createWidgetTicket as { ticket: { id: string }; visitorToken: string };
    const mine = await open('visitor');
    const theirs = await open('someone');

    const visitor = connect(stack.gateway.url);
    expect(
      await endedWith(collect(visitor, MESSAGES, { ticketId: theirs.ticket.id, visitorToken: mine.visitorToken })),
    ).toEqual(['FORBIDDEN']);
    expect(await endedWith(collect(visitor, MESSAGES, { ticketId: mine.ticket.id }))).toEqual(['FORBIDDEN']);

    const ticketId = mine.ticket.id;
    const sub = collect<MessageEvent>(visitor, MESSAGES, { ticketId, visitorToken: mine.visitorToken });
    await untilLive([sub], () => pubsub.publish(supportChannels.messages(ticketId), probeOf(ticketId)));
    await ok(stack, REPLY, { input: { ticketId, body: 'Guest without account', internal: true } }, agent.accessToken);
    await ok(stack, REPLY, { input: { ticketId, body: 'How can we help?' } }, agent.accessToken);
    await eventually(async () => sub.events.some((e) => e.supportMessageAdded.body === 'How can we help?'), {
      what: 'the public reply',
    });
    expect(
      sub.events.filter((e) => e.supportMessageAdded.body !== 'probe').map((e) => e.supportMessageAdded.body),
    ).toEqual(['How can we help?']);
    expect(sub.codes).toEqual([]);
  });

  it('streams the queue to agents only', async () => {
    const QUEUE = `subscription { supportQueueUpdated { change ticket { id subject status } } }`;
    type QueueEvent = {
      supportQueueUpdated: { change: string; ticket: { id: string; subject: string; status: string } };
    };
    const customer = await newAccount(stack, 'queue-customer');
    expect(await endedWith(collect(connect(stack.gateway.url, customer.accessToken), QUEUE, {}))).toEqual([
      'FORBIDDEN',
    ]);

    const sub = collect<QueueEvent>(connect(stack.gateway.url, agent.accessToken), QUEUE, {});
    const existing = await ok(
      stack,
      `mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) { id } }`,
      { input: { subject: 'Probe ticket', message: 'x' } },
      customer.accessToken,
    );
    await untilLive([sub], () =>
      pubsub.publish(supportChannels.queue, { change: 'CREATED', ticketId: existing.createSupportTicket.id }),
    );

    const created = await ok(
      stack,
      `mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) { id } }`,
      { input: { subject: 'Refund please', message: 'The show was cancelled' } },
      customer.accessToken,
    );
    const id = created.createSupportTicket.id as string;
    await ok(
      stack,
      `mutation($id: ID!) { setSupportTicketStatus(ticketId: $id, status: PENDING) { id } }`,
      { id },
      agent.accessToken,
    );
    await eventually(
      async () =>
        sub.events.some(
          (e) => e.supportQueueUpdated.ticket.id === id && e.supportQueueUpdated.change === 'STATUS_CHANGED',
        ),
      { what: 'the status change' },
    );
    const ofTicket = sub.events.filter((e) => e.supportQueueUpdated.ticket.id === id).map((e) => e.supportQueueUpdated);
    expect(ofTicket[0]).toMatchObject({ change: 'CREATED', ticket: { subject: 'Refund please' } });
    expect(ofTicket.at(-1)).toMatchObject({ change: 'STATUS_CHANGED', ticket: { status: 'PENDING' } });
  });
});

describeWithRedis('across instances (Redis)', () => {
  it('an order change made through one orders instance reaches subscribers of both gateways, once each, in order', async () => {
    const shared = await startStack({ redisUrl: testRedisUrl });
    try {
      const replica = await shared.startReplica('orders');
      const seller = await newAccount(shared, 'seller', ['ORGANIZER']);
      const buyer = await newAccount(shared, 'buyer');
      const [productId] = await productsInStock(shared, seller, 1, 5);
      const order = await checkout(shared, buyer.accessToken, [{ productId: productId!, quantity: 2 }]);
      await simulatePayment(shared, buyer.accessToken, order.orderId);

      const query = 'subscription($id: ID!) { orderUpdated(id: $id) { status deliveries { id status } } }';
      type Event = { orderUpdated: { status: string; deliveries: { id: string; status: string }[] } };
      const subs = [shared.gateway, replica.gateway].map((g) =>
        collect<Event>(connect(g.url, buyer.accessToken), query, { id: order.orderId }),
      );
      // Live once both orders instances subscribed to the channel in Redis.
      const channel = orderChannels.order(order.orderId);
      await eventually(async () => ((await shared.redis!.pubsub('NUMSUB', channel)) as [string, number])[1] === 2, {
        what: 'both orders instances to subscribe',
      });

      // Every change goes through the first gateway, hence the first orders instance.
      const [delivery] = (
        await ok(
          shared,
          'query($id: ID!) { order(id: $id) { deliveries { id } } }',
          { id: order.orderId },
          buyer.accessToken,
        )
      ).order.deliveries as { id: string }[];
      const ship = `mutation($input: UpdateDeliveryInput!) { updateDelivery(input: $input) { status } }`;
      await ok(
        shared,
        ship,
        { input: { deliveryId: delivery!.id, status: 'SHIPPED', carrier: 'Correos', trackingNumber: 'PK123' } },
        seller.accessToken,
      );
      await ok(shared, ship, { input: { deliveryId: delivery!.id, status: 'DELIVERED' } }, seller.accessToken);
      await ok(
        shared,
        `mutation($id: ID!) { refundOrder(id: $id, reason: "Damaged") { status } }`,
        { id: order.orderId },
        seller.accessToken,
      );

      const expected = [
        { status: 'PAID', deliveries: [{ id: delivery!.id, status: 'SHIPPED' }] },
        { status: 'FULFILLED', deliveries: [{ id: delivery!.id, status: 'DELIVERED' }] },
        { status: 'REFUNDED', deliveries: [{ id: delivery!.id, status: 'DELIVERED' }] },
      ];
      for (const sub of subs) {
        await eventually(async () => sub.events.length >= expected.length, { what: 'three events' });
      }
      // A marker after them on the same channel (Redis orders a channel's messages): every copy
      // of the earlier events reaches a subscriber before it, so a duplicate would show.
      await pubsubFor({ redis: shared.redis }).publish(channel, await orderAudience(shared, order.orderId));
      for (const sub of subs) {
        await eventually(async () => sub.events.length > expected.length, { what: 'the marker event' });
        expect(sub.events.map((e) => e.orderUpdated)).toEqual([...expected, expected.at(-1)]);
        expect(sub.codes).toEqual([]);
      }
    } finally {
      await shared.stop();
    }
  }, 90_000);
});
