import { randomUUID } from 'node:crypto';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { applyOnce } from '../../shared/events/bus';
import type { DomainEvent } from '../../shared/events/catalog';
import { createLogger } from '../../shared/logger';
import { pubsubFor } from '../../shared/realtime/pubsub';
import { realtimePublisher } from '../../shared/realtime/publisher';
import { MESSAGES_CONSUMER, messageHandlers } from '../../subgraphs/notifications/src/domain/event-handlers';
import { NotificationWriter } from '../../subgraphs/notifications/src/domain/notification-writer';
import { NotificationsRealtime } from '../../subgraphs/notifications/src/realtime';
import {
  CHECK_IN,
  checkout,
  email,
  eventOnSale,
  newAccount,
  ok,
  simulatePayment,
  type Account,
} from '../helpers/commerce';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '../helpers/eventually';
import { mailTo, mailsTo } from '../helpers/mail';
import { collect } from '../helpers/ws';
import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';

/**
 * Notifications through the gateway and a real SMTP server (the stack's development mailbox):
 * a paid order's confirmation carries each ticket's QR code as a PNG that decodes to a code the
 * door accepts; a redelivered event mails once; mail queued while SMTP is down arrives once it
 * is back; user text is escaped.
 */
let stack: Stack;
let organizer: Account;

beforeAll(async () => {
  stack = await startStack();
  organizer = await newAccount(stack, 'organizer', ['ORGANIZER']);
}, 120_000);
afterAll(() => stack?.stop());

async function decodeQr(png: Buffer): Promise<string | null> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}

async function paidOrder(title: string, quantity: number) {
  const {
    eventId,
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 2500, name: 'General' }], title);
  const address = email('buyer');
  const buyer = { ...(await signUp(stack, address)), email: address };
  const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity }]);
  expect(await simulatePayment(stack, buyer.accessToken, order.orderId)).toBe('PAID');
  return { eventId, buyer, order };
}

test('a paid order mails its confirmation: lines, total, and each ticket as a QR PNG that checks in at the door', async () => {
  const { eventId, buyer } = await paidOrder('Noche de jazz', 2);
  const mail = await mailTo(stack, buyer.email, /confirmado|confirmed/);

  expect(mail.subject).toMatch(/^Tu pedido [0-9A-F]{8} está confirmado$/); // Spanish: the default locale
  expect(mail.text).toContain('2 x Noche de jazz · General');
  expect(mail.text).toMatch(/Total: 50,00\s€/);
  expect(mail.html).toContain('Noche de jazz');
  const pngs = mail.attachments.filter((a) => a.contentType === 'image/png');
  // Each ticket's code twice: inline (shown in the HTML by cid) and as a file.
  expect(pngs).toHaveLength(4);
  const inline = pngs.filter((a) => a.contentId);
  expect(inline).toHaveLength(2);
  for (const a of inline) expect(mail.html).toContain(`cid:${a.contentId}`);

  const codes = await Promise.all(pngs.map((a) => decodeQr(a.content)));
  expect(new Set(codes).size).toBe(2);
  const scans = [];
  for (const qr of new Set(codes)) {
    scans.push(
      (await ok(stack, CHECK_IN, { input: { qr, eventId, nonce: `scan-${randomUUID()}` } }, organizer.accessToken))
        .checkIn.status,
    );
  }
  expect(scans).toEqual(['ACCEPTED', 'ACCEPTED']);

  // The same mail is in the buyer's feed, through the gateway.
  const feed = await ok(
    stack,
    `{ me { notifications(first: 5) { totalCount unreadCount edges { node { kind title body readAt } } } } }`,
    {},
    buyer.accessToken,
  );
  expect(feed.me.notifications).toMatchObject({
    totalCount: 1,
    unreadCount: 1,
    edges: [{ node: { kind: 'order-confirmation', title: mail.subject, readAt: null } }],
  });
}, 120_000);

test('20 redeliveries of the event, with and without its processed record: one mail', async () => {
  const { buyer, order } = await paidOrder('Festival de otoño', 1);
  await mailTo(stack, buyer.email, /confirmado|confirmed/);
  const row = await stack.db.outboxEvent.findFirstOrThrow({
    where: { type: 'TicketsIssued', payload: { path: ['orderId'], equals: order.orderId } },
  });
  const event = {
    eventId: row.eventId,
    type: row.type,
    producer: row.producer,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
    seq: String(row.seq),
  } as DomainEvent<'TicketsIssued'>;
  const logger = createLogger('test', 'silent');
  const handlers = messageHandlers({
    writer: new NotificationWriter({ realtime: new NotificationsRealtime(realtimePublisher(pubsubFor({}), logger)) }),
    appUrl: 'http://app.test',
    logger,
  });
  // Ten redeliveries the processed record stops, ten after it was lost, all at once.
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      if (i % 2)
        await stack.db.processedEvent.deleteMany({ where: { consumer: MESSAGES_CONSUMER, eventId: row.eventId } });
      await applyOnce(stack.db, MESSAGES_CONSUMER, handlers, event).catch(() => false);
    }),
  );
  // A later mail to the buyer (the marker) has arrived: so would a second confirmation have.
  await stack.gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email: buyer.email });
  await mailTo(stack, buyer.email, /contraseña/);
  expect((await mailsTo(stack, buyer.email)).filter((m) => /confirmado|confirmed/.test(m.subject))).toHaveLength(1);
  expect(await stack.db.notification.count({ where: { toEmail: buyer.email, template: 'order-confirmation' } })).toBe(
    1,
  );
}, 120_000);

test('SMTP down: the mail waits, every failed attempt recorded, and arrives once the server is back', async () => {
  await stack.mailbox.stop();
  try {
    const { buyer } = await paidOrder('Concierto sin correo', 1);
    const failing = await eventually(
      async () => {
        const n = await stack.db.notification.findFirst({
          where: { toEmail: buyer.email, attempts: { gte: 2 } },
          include: { deliveries: true },
        });
        return n ?? undefined;
      },
      { what: 'two failed attempts', timeoutMs: 40_000 },
    );
    expect(failing.status).toBe('PENDING');
    expect(failing.deliveries.every((d) => !d.ok)).toBe(true);
    expect(failing.lastError).toMatch(/ECONNREFUSED|connect/i);
    await stack.restartMailbox();
    const mail = await mailTo(stack, buyer.email, /confirmado|confirmed/);
    expect(mail.attachments.length).toBe(2);
    // The sender records SENT once the server has accepted the mail, so just after it arrives.
    const sent = await eventually(
      () =>
        stack.db.notification.findFirst({
          where: { toEmail: buyer.email, status: 'SENT' },
          include: { deliveries: true },
        }),
      { what: 'the notification to be recorded SENT' },
    );
    expect(sent.status).toBe('SENT');
    expect(sent.deliveries.at(-1)!.ok).toBe(true);
  } finally {
    if (!(await stack.mailbox.messages().catch(() => null))) await stack.restartMailbox();
  }
}, 120_000);

test('user-supplied text is escaped in the HTML', async () => {
  const { buyer } = await paidOrder('<script>alert(1)</script> & "Jazz"', 1);
  const mail = await mailTo(stack, buyer.email, /confirmado|confirmed/);
  expect(mail.html).not.toContain('<script>');
  expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Jazz&quot;');
  expect(mail.text).toContain('<script>alert(1)</script> & "Jazz"'); // plain text is plain
}, 120_000);

test('the feed: notificationAdded over the gateway WebSocket, unreadOnly, markNotificationsRead; a cancelled order is mailed too', async () => {
  const {
    ticketTypeIds: [typeId],
  } = await eventOnSale(stack, organizer, [{ priceCents: 1000 }], 'Feria');
  const address = email('buyer');
  const buyer = await signUp(stack, address);
  const client = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${buyer.accessToken}` },
    retryAttempts: 0,
  });
  try {
    const added = collect(client, `subscription { notificationAdded { kind title body readAt } }`);
    await new Promise((r) => setTimeout(r, 500)); // the subscription reaches notifications
    const order = await checkout(stack, buyer.accessToken, [{ ticketTypeId: typeId!, quantity: 1 }]);
    await ok(stack, `mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: order.orderId }, buyer.accessToken);
    const event = await eventually(async () => added.events[0], { what: 'notificationAdded', timeoutMs: 40_000 });
    expect(event.notificationAdded).toMatchObject({ kind: 'order-cancelled', readAt: null });
    expect((await mailTo(stack, address, /cancelado/)).text).toContain('sin cobrarte nada');

    const FEED = `query($unread: Boolean) { me { notifications(unreadOnly: $unread) { totalCount unreadCount edges { node { id kind } } } } }`;
    const feed = (await ok(stack, FEED, { unread: true }, buyer.accessToken)).me.notifications;
    expect(feed).toMatchObject({ totalCount: 1, unreadCount: 1 });
    const marked = await ok(stack, `mutation { markNotificationsRead }`, {}, buyer.accessToken);
    expect(marked.markNotificationsRead).toBe(1);
    expect((await ok(stack, FEED, { unread: true }, buyer.accessToken)).me.notifications).toMatchObject({
      totalCount: 0,
      unreadCount: 0,
    });
    expect((await ok(stack, FEED, { unread: false }, buyer.accessToken)).me.notifications.totalCount).toBe(1);
    // Someone else's feed is not readable, not even through an entity reference.
    const other = await stack.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { notifications { totalCount } } } }`,
      { r: [{ __typename: 'User', id: buyer.id }] },
      { token: organizer.accessToken },
    );
    expect(other.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|GRAPHQL_VALIDATION_FAILED/);
    added.unsubscribe();
  } finally {
    await client.dispose();
  }
}, 120_000);

test('preferences, and the one-click unsubscribe (RFC 8058) POSTed to the gateway with the token of the link', async () => {
  const user = await signUp(stack, email('reader'));
  // Concurrent first writes of a user's preferences (the fuzzer met the sender's at the same
  // moment) all succeed, on one row.
  const first = await Promise.all(
    Array.from({ length: 8 }, () =>
      stack.gql(
        `mutation { setNotificationPreferences(input: { marketingEmail: true }) { marketingEmail } }`,
        {},
        {
          token: user.accessToken,
        },
      ),
    ),
  );
  expect(first.map((res) => res.errors)).toEqual(Array(8).fill(undefined));
  expect(await stack.db.notificationPreference.count({ where: { userId: user.id } })).toBe(1);
  const PREFS = `{ me { notificationPreferences { marketingEmail } } }`;
  expect((await ok(stack, PREFS, {}, user.accessToken)).me.notificationPreferences.marketingEmail).toBe(true);
  const set = await ok(
    stack,
    `mutation { setNotificationPreferences(input: { marketingEmail: true }) { marketingEmail } }`,
    {},
    user.accessToken,
  );
  expect(set.setNotificationPreferences.marketingEmail).toBe(true);
  const { unsubscribeToken } = await stack.db.notificationPreference.findUniqueOrThrow({ where: { userId: user.id } });
  const post = (token: string) =>
    fetch(`${stack.gateway.url.replace(/\/graphql$/, '')}/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
  // An unknown token gets the same answer and changes nothing.
  expect((await post('not-a-token')).status).toBe(200);
  expect((await ok(stack, PREFS, {}, user.accessToken)).me.notificationPreferences.marketingEmail).toBe(true);
  expect((await post(unsubscribeToken)).status).toBe(200);
  expect((await ok(stack, PREFS, {}, user.accessToken)).me.notificationPreferences.marketingEmail).toBe(false);
}, 60_000);
