import { randomUUID } from 'node:crypto';
import {
  CHECK_IN,
  checkout,
  eventOnSale,
  newAccount,
  ok,
  orderWithTickets,
  simulatePayment,
  ticketsOf,
  type Account,
  type Checkout,
  type OrderTicket,
} from '../helpers/commerce';
import { startStack, type Stack } from '../helpers/stack';
import { codeOf } from '../helpers/users';

/** Authorization across subgraphs, through the gateway: nothing of someone else's purchase leaks. */
let stack: Stack;
let owner: Account;
let rival: Account;
let alice: Account;
let mallory: Account;
let event: { eventId: string; ticketTypeIds: string[] };
let rivalEvent: { eventId: string; ticketTypeIds: string[] };
let paid: Checkout;
let pending: Checkout;
let tickets: OrderTicket[];

beforeAll(async () => {
  stack = await startStack();
  [owner, rival, alice, mallory] = await Promise.all([
    newAccount(stack, 'owner', ['ORGANIZER']),
    newAccount(stack, 'rival', ['ORGANIZER']),
    newAccount(stack, 'alice'),
    newAccount(stack, 'mallory'),
  ]);
  event = await eventOnSale(stack, owner, [{ capacity: 10 }], 'Owner night');
  rivalEvent = await eventOnSale(stack, rival, [{ capacity: 10 }], 'Rival night');
  paid = await checkout(stack, alice.accessToken, [{ ticketTypeId: event.ticketTypeIds[0]!, quantity: 2 }]);
  expect(await simulatePayment(stack, alice.accessToken, paid.orderId)).toBe('PAID');
  tickets = await ticketsOf(stack, alice.accessToken, paid.orderId, 2);
  pending = await checkout(stack, alice.accessToken, [{ ticketTypeId: event.ticketTypeIds[0]!, quantity: 1 }]);
}, 60_000);
afterAll(() => stack?.stop());

/** Nothing that identifies Alice's purchase appears in `body`. */
function expectNoLeak(body: unknown) {
  const text = JSON.stringify(body ?? null);
  expect(text).not.toContain('TK1.');
  for (const t of tickets) expect(text).not.toContain(t.id);
  expect(text).not.toContain(paid.payment.providerPaymentId);
  expect(text).not.toMatch(/alice-\d+/);
  expect(text).not.toContain(paid.lines[0]!.id);
}

const FULL_ORDER = `query($id: ID!) {
  order(id: $id) { id status totalCents buyer { id email } lines { id quantity ticketType { name } } payment { providerPaymentId clientSecret } tickets { id qr status } }
}`;

describe("a customer cannot read another customer's order or ticket", () => {
  test('order, its tickets, its payment and its buyer stay hidden from another customer', async () => {
    const res = await stack.gql(FULL_ORDER, { id: paid.orderId }, { token: mallory.accessToken });
    expect(res.data?.order ?? null).toBeNull();
    expectNoLeak(res.data);
    expectNoLeak(res.errors?.map((e) => e.message));
    // The owner does see it all (the query is right).
    const own = await ok(stack, FULL_ORDER, { id: paid.orderId }, alice.accessToken);
    expect(own.order.tickets).toHaveLength(2);
    expect(own.order.buyer.id).toBe(alice.id);

    for (const t of tickets) {
      const ticket = await stack.gql(
        `query($id: ID!) { ticket(id: $id) { id qr status holder { id } order { id totalCents } } }`,
        { id: t.id },
        { token: mallory.accessToken },
      );
      expect(codeOf(ticket)).toBe('FORBIDDEN');
      expect(ticket.data?.ticket ?? null).toBeNull();
      expectNoLeak(ticket.data);
    }
    const user = await stack.gql(
      `query($id: ID!) { user(id: $id) { id email orders { totalCount edges { node { id } } } tickets { totalCount edges { node { id qr } } } } }`,
      { id: alice.id },
      { token: mallory.accessToken },
    );
    expect(user.data?.user ?? null).toBeNull();
    expectNoLeak(user.data);
    const mine = await ok(stack, `{ myOrders { totalCount } myTickets { totalCount } }`, {}, mallory.accessToken);
    expect(mine).toEqual({ myOrders: { totalCount: 0 }, myTickets: { totalCount: 0 } });
    // Anonymous: nothing either.
    const anon = await stack.gql(FULL_ORDER, { id: paid.orderId });
    expect(anon.data?.order ?? null).toBeNull();
    expectNoLeak(anon.data);
  });

  test('another customer cannot pay, cancel or refund the order', async () => {
    const attempts = await Promise.all([
      stack.gql(
        `mutation($id: ID!) { simulatePayment(orderId: $id, outcome: SUCCEEDED) { id status } }`,
        { id: pending.orderId },
        { token: mallory.accessToken },
      ),
      stack.gql(
        `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`,
        { id: pending.orderId },
        { token: mallory.accessToken },
      ),
      stack.gql(
        `mutation($id: ID!) { refundOrder(id: $id, reason: "mine now") { id status } }`,
        { id: paid.orderId },
        { token: mallory.accessToken },
      ),
    ]);
    for (const res of attempts) {
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(res));
      expectNoLeak(res.data);
    }
    const orders = await ok(
      stack,
      `query($a: ID!, $b: ID!) { a: order(id: $a) { status } b: order(id: $b) { status } }`,
      { a: paid.orderId, b: pending.orderId },
      alice.accessToken,
    );
    expect(orders).toEqual({ a: { status: 'PAID' }, b: { status: 'PENDING_PAYMENT' } });
  });
});

describe('organizers', () => {
  const UPDATE_EVENT = `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id title } }`;

  test("cannot edit, cancel or sell tickets of another organizer's event, nor refund its orders", async () => {
    const attempts = await Promise.all([
      stack.gql(UPDATE_EVENT, { id: event.eventId, input: { title: 'Hijacked' } }, { token: rival.accessToken }),
      stack.gql(
        `mutation($id: ID!, $input: UpdateTicketTypeInput!) { updateTicketType(id: $id, input: $input) { id priceCents } }`,
        { id: event.ticketTypeIds[0], input: { priceCents: 1 } },
        { token: rival.accessToken },
      ),
      stack.gql(
        `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
        { input: { eventId: event.eventId, name: 'Fake', priceCents: 1, currency: 'EUR', capacity: 5 } },
        { token: rival.accessToken },
      ),
      stack.gql(
        `mutation($id: ID!) { cancelEvent(id: $id, reason: "sabotage") { id status } }`,
        { id: event.eventId },
        { token: rival.accessToken },
      ),
      stack.gql(
        `mutation($id: ID!) { refundOrder(id: $id, reason: "sabotage") { id status } }`,
        { id: paid.orderId },
        { token: rival.accessToken },
      ),
      stack.gql(
        `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
        { e: event.eventId, u: rival.id },
        { token: rival.accessToken },
      ),
    ]);
    // An order the rival has no line in does not exist for them (NOT_FOUND, like any stranger).
    expect(attempts.map(codeOf)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'NOT_FOUND',
      'FORBIDDEN',
    ]);
    for (const res of attempts) expectNoLeak(res);

    const seen = await ok(
      stack,
      `query($id: ID!) { event(id: $id) { title status ticketTypes { id priceCents available sold } } }`,
      { id: event.eventId },
    );
    expect(seen.event).toEqual({
      title: 'Owner night',
      status: 'PUBLISHED',
      ticketTypes: [{ id: event.ticketTypeIds[0], priceCents: 2500, available: 7, sold: 2 }],
    });
    // Nothing reached the other domains either: no refund, no cancellation event.
    expect((await orderWithTickets(stack, alice.accessToken, paid.orderId))!.tickets.map((t) => t.status)).toEqual([
      'VALID',
      'VALID',
    ]);
    expect(await stack.db.outboxEvent.count({ where: { type: { in: ['EventCancelled', 'OrderRefunded'] } } })).toBe(0);
    // Nor can the rival read the owner's order or its tickets.
    const order = await stack.gql(FULL_ORDER, { id: paid.orderId }, { token: rival.accessToken });
    expect(order.data?.order ?? null).toBeNull();
    expectNoLeak(order.data);
    expect(
      codeOf(
        await stack.gql(
          `query($id: ID!) { ticket(id: $id) { id qr } }`,
          { id: tickets[0]!.id },
          { token: rival.accessToken },
        ),
      ),
    ).toBe('FORBIDDEN');
  });
});

describe('door staff', () => {
  test('a scanner not assigned to the event cannot check its tickets in; an assigned one can, once', async () => {
    const [stranger, door, otherDoor] = await Promise.all([
      newAccount(stack, 'stranger-door', ['SCANNER']),
      newAccount(stack, 'door', ['SCANNER']),
      newAccount(stack, 'rival-door', ['SCANNER']),
    ]);
    await ok(
      stack,
      `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
      { e: event.eventId, u: door.id },
      owner.accessToken,
    );
    await ok(
      stack,
      `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
      { e: rivalEvent.eventId, u: otherDoor.id },
      rival.accessToken,
    );
    const [ticket] = tickets;
    const scan = (token: string, eventId = event.eventId) =>
      stack.gql(CHECK_IN, { input: { qr: ticket!.qr, eventId, nonce: `scan-${randomUUID()}` } }, { token });

    for (const who of [stranger, otherDoor, mallory, rival]) {
      const res = await scan(who.accessToken);
      expect(codeOf(res)).toBe('FORBIDDEN');
      expectNoLeak(res.data);
    }
    // Staff of another event, scanning at their own door: the code is for another event, nothing checks in.
    const wrongDoor = await ok(
      stack,
      CHECK_IN,
      { input: { qr: ticket!.qr, eventId: rivalEvent.eventId, nonce: `scan-${randomUUID()}` } },
      otherDoor.accessToken,
    );
    expect(wrongDoor.checkIn).toEqual({ status: 'WRONG_EVENT', checkedInAt: null, ticket: null });
    expect(
      (await orderWithTickets(stack, alice.accessToken, paid.orderId))!.tickets.find((t) => t.id === ticket!.id)!
        .status,
    ).toBe('VALID');
    expect(await stack.db.checkIn.count()).toBe(0);

    const accepted = await ok(
      stack,
      CHECK_IN,
      { input: { qr: ticket!.qr, eventId: event.eventId, nonce: `scan-${randomUUID()}` } },
      door.accessToken,
    );
    expect(accepted.checkIn).toMatchObject({ status: 'ACCEPTED', ticket: { id: ticket!.id, status: 'CHECKED_IN' } });
    expect((await scan(door.accessToken)).data!.checkIn.status).toBe('ALREADY_CHECKED_IN');
  });
});
