import { randomUUID } from 'node:crypto';
import {
  CHECK_IN,
  checkout,
  eventOnSale,
  newAccount,
  ok,
  simulatePayment,
  ticketsOf,
  type Account,
} from '../helpers/commerce';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { collect } from '../helpers/ws';

/**
 * The gamification journey through the gateway: buy, pay, check in; points, level, badge and
 * rank move, next to users' own fields on `me`. Points travel as domain events: orders'
 * OrderPaid, tickets' TicketCheckedIn and TicketVoided, consumed by gamification.
 */
let stack: Stack;
let admin: Account;
let organizer: Account;

beforeAll(async () => {
  stack = await startStack();
  admin = await newAccount(stack, 'admin', ['ADMIN']);
  organizer = await newAccount(stack, 'organizer', ['ORGANIZER']);
  const define = (mutation: string, input: Record<string, unknown>) =>
    ok(
      stack,
      `mutation ($input: ${mutation}Input!) { create${mutation}(input: $input) { id } }`,
      { input },
      admin.accessToken,
    );
  await define('EarningRule', { name: 'Compra', trigger: 'ORDER_PAID', fixedPoints: 10, pointsPerUnit: 1 });
  await define('EarningRule', { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 50 });
  await define('Level', { name: 'Espectador', threshold: 0 });
  await define('Level', { name: 'Habitual', threshold: 60 });
  await define('Badge', {
    name: 'Primer evento',
    kind: 'FIRST_TIME',
    requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 1 }],
  });
}, 60_000);
const clients: Client[] = [];
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

const ME = `{ me { name points level { name } badges { name } rank(period: WEEK) { rank points } } }`;

test('buy → pay → check in: points, level, badge and rank on `me`; a refund takes them back', async () => {
  const {
    eventId,
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 2500 }], 'Noche de jazz');
  const buyer = await newAccount(stack, 'buyer');
  const me = async () => (await ok(stack, ME, {}, buyer.accessToken)).me;

  const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 1 }]);
  expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');
  // 10 + 25 per whole euro.
  expect(
    await eventually(async () => (await me()).points === 35 && me(), { what: 'points for the purchase' }),
  ).toMatchObject({
    level: { name: 'Espectador' },
    badges: [],
  });

  const [ticket] = await ticketsOf(stack, buyer.accessToken, order.orderId, 1);
  const scan = await ok(
    stack,
    CHECK_IN,
    { input: { qr: ticket!.qr, eventId, nonce: `scan-${randomUUID()}` } },
    organizer.accessToken,
  );
  expect(scan.checkIn.status).toBe('ACCEPTED');
  const after = await eventually(async () => (await me()).points === 85 && me(), { what: 'points for the check-in' });
  expect(after).toMatchObject({
    points: 85,
    level: { name: 'Habitual' },
    badges: [{ name: 'Primer evento' }],
    rank: { rank: 1, points: 85 },
  });
  expect(typeof after.name).toBe('string'); // users' field, in the same `me`

  // A refund voids the scanned ticket: the order's and the check-in's points both go back.
  await ok(
    stack,
    `mutation ($id: ID!) { refundOrder(id: $id, reason: "no puedo ir") { status } }`,
    { id: order.orderId },
    organizer.accessToken,
  );
  const refunded = await eventually(async () => (await me()).points === 0 && me(), { what: 'the refund reversed' });
  expect(refunded).toMatchObject({ level: { name: 'Espectador' }, badges: [{ name: 'Primer evento' }], rank: null });
}, 120_000);

test("pointsChanged over WebSocket: the check-in's entry right after it commits", async () => {
  const {
    eventId,
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 1000 }], 'Concierto en directo');
  const buyer = await newAccount(stack, 'live-buyer');
  const client = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${buyer.accessToken}` },
    retryAttempts: 0,
  });
  clients.push(client);
  const live = collect<{ pointsChanged: { points: number; entry: { amount: number; reason: string } } }>(
    client,
    `subscription { pointsChanged { points level { name } entry { amount reason } } }`,
  );
  // Probe with ADMIN adjustments until the subscription is live, then take them back.
  const adjust = (amount: number) =>
    ok(
      stack,
      `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }`,
      { input: { userId: buyer.id, amount, reason: 'sonda' } },
      admin.accessToken,
    );
  let probes = 0;
  await eventually(
    async () => {
      if (live.events.length > 0) return true;
      await adjust(1);
      probes++;
      await new Promise((r) => setTimeout(r, 50));
      return live.events.length > 0;
    },
    { what: 'the subscription to be live' },
  );
  await adjust(-probes);

  const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 1 }]);
  expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');
  const [ticket] = await ticketsOf(stack, buyer.accessToken, order.orderId, 1);
  await ok(
    stack,
    CHECK_IN,
    { input: { qr: ticket!.qr, eventId, nonce: `scan-${randomUUID()}` } },
    organizer.accessToken,
  );
  const event = await eventually(async () => live.events.find((e) => e.pointsChanged.entry.reason === 'Asistencia'), {
    what: 'the check-in on pointsChanged',
  });
  // 10 + 10 for the order, 50 for the check-in.
  expect(event.pointsChanged).toMatchObject({ points: 70, entry: { amount: 50, reason: 'Asistencia' } });
  live.unsubscribe();
}, 120_000);

test("an organizer's challenge through the gateway: its buyers join, its leaderboard names them, live over WebSocket", async () => {
  const {
    eventId,
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 1500 }], 'Ciclo de cine');
  const now = Date.now();
  const { createChallenge } = await ok(
    stack,
    `mutation ($input: ChallengeInput!) { createChallenge(input: $input) { id } }`,
    {
      input: {
        name: 'Fieles al ciclo',
        startsAt: new Date(now - 3_600_000).toISOString(),
        endsAt: new Date(now + 86_400_000).toISOString(),
        goalKind: 'COUNT',
        trigger: 'TICKET_CHECKED_IN',
        goal: 1,
        scopeOrganizerId: organizer.id,
      },
    },
    admin.accessToken,
  );
  const challengeId = (createChallenge as { id: string }).id;
  const fan = await newAccount(stack, 'fan');
  const outsider = await newAccount(stack, 'outsider');
  const JOIN = `mutation ($id: ID!) { joinChallenge(id: $id) { joined inScope } }`;
  const refused = await stack.gql(JOIN, { id: challengeId }, { token: outsider.accessToken });
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  const order = await checkout(stack, fan.accessToken, [{ ticketTypeId: typeId!, quantity: 1 }]);
  expect(await simulatePayment(stack, fan.accessToken, order.orderId)).toBe('PAID');
  await eventually(
    async () => (await stack.gql(JOIN, { id: challengeId }, { token: fan.accessToken })).data?.joinChallenge,
    { what: 'the buyer to be in scope' },
  );

  const client = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${fan.accessToken}` },
    retryAttempts: 0,
  });
  clients.push(client);
  const bad = collect(client, `subscription { leaderboardChanged(challengeId: "${randomUUID()}") { totalCount } }`);
  await bad.ended;
  expect(bad.codes).toContain('BAD_USER_INPUT');
  type Live = { leaderboardChanged: { edges: { node: { rank: number; points: number; user: { name: string } } }[] } };
  const live = collect<Live>(
    client,
    `subscription ($id: ID) { leaderboardChanged(challengeId: $id, first: 5) { edges { node { rank points user { name } } } } }`,
    { id: challengeId },
  );
  // Probe with ADMIN adjustments (a participant's points move the challenge's leaderboard) until it is live.
  await eventually(
    async () => {
      if (live.events.length > 0) return true;
      await ok(
        stack,
        `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }`,
        { input: { userId: fan.id, amount: 1, reason: 'sonda' } },
        admin.accessToken,
      );
      await new Promise((r) => setTimeout(r, 100));
      return live.events.length > 0;
    },
    { what: 'the subscription to be live' },
  );
  const [ticket] = await ticketsOf(stack, fan.accessToken, order.orderId, 1);
  await ok(
    stack,
    CHECK_IN,
    { input: { qr: ticket!.qr, eventId, nonce: `scan-${randomUUID()}` } },
    organizer.accessToken,
  );
  const event = await eventually(
    async () => live.events.find((e) => e.leaderboardChanged.edges[0]?.node.points === 1),
    {
      what: 'the check-in on leaderboardChanged',
    },
  );
  expect(event.leaderboardChanged.edges.map((e) => [e.node.rank, e.node.points])).toEqual([[1, 1]]);
  expect(typeof event.leaderboardChanged.edges[0]!.node.user.name).toBe('string'); // users' field
  const board = await ok(
    stack,
    `query ($id: ID) { leaderboard(challengeId: $id) { totalCount viewerEntry { rank points } } }`,
    { id: challengeId },
    fan.accessToken,
  );
  expect(board.leaderboard).toEqual({ totalCount: 1, viewerEntry: { rank: 1, points: 1 } });
  live.unsubscribe();
}, 120_000);
