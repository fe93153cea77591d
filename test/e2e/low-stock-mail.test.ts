import { createLogger } from '../../shared/logger';
import { pubsubFor } from '../../shared/realtime/pubsub';
import { realtimePublisher } from '../../shared/realtime/publisher';
import { LowStockDigests } from '../../subgraphs/notifications/src/domain/low-stock-digest';
import { NotificationWriter } from '../../subgraphs/notifications/src/domain/notification-writer';
import { NotificationsRealtime } from '../../subgraphs/notifications/src/realtime';
import { email, ok } from '../helpers/commerce';
import { mailTo, mailsTo } from '../helpers/mail';
import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';

/**
 * The daily low-stock digest through the gateway and the stack's real SMTP server: orders'
 * `StockChanged` feeds notifications' copy of stock; the seller of products at or below the
 * threshold (5 units) gets one digest a day listing only those (the test stack sends it at any
 * hour), with user text escaped.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(() => stack?.stop());

async function product(token: string, warehouseId: string, title: string, units: number) {
  const { createProduct } = await ok(
    stack,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { title, priceCents: 1500, currency: 'EUR' } },
    token,
  );
  await ok(
    stack,
    `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand } }`,
    { input: { productId: createProduct.id, warehouseId, kind: 'IN', quantity: units, reason: 'initial stock' } },
    token,
  );
  return createProduct.id as string;
}

test("a seller's low-stock digest lists their products with few units left, once a day", async () => {
  const address = email('seller');
  const seller = await signUp(stack, address, { roles: ['ORGANIZER'] });
  const { createWarehouse } = await ok(
    stack,
    `mutation { createWarehouse(name: "Main", location: "Madrid") { id } }`,
    {},
    seller.accessToken,
  );
  // The plenty one first: when the low one's stock is known, the plenty one's is too.
  await product(seller.accessToken, createWarehouse.id, 'Taza con stock', 50);
  await product(seller.accessToken, createWarehouse.id, 'Camiseta <script>alert(1)</script>', 3);

  const digest = await mailTo(stack, address, /^Stock bajo/);
  expect(digest.subject).toMatch(/^Stock bajo: 1 producto\(s\) \(\d{4}-\d{2}-\d{2}\)$/);
  expect(digest.text).toContain('- Camiseta <script>alert(1)</script>: 3 disponible(s)');
  expect(digest.text).not.toContain('Taza');
  expect(digest.html).not.toContain('<script>');
  expect(digest.html).toContain('Camiseta &lt;script&gt;alert(1)&lt;/script&gt;');
  const feed = await ok(stack, `{ me { notifications { edges { node { kind } } } } }`, {}, seller.accessToken);
  expect(feed.me.notifications.edges).toEqual([{ node: { kind: 'low-stock-digest' } }]);

  // Once a day: another instance's pass finds nothing due for this seller, however low.
  const logger = createLogger('test', 'silent');
  const another = new LowStockDigests({
    db: stack.db,
    writer: new NotificationWriter({ realtime: new NotificationsRealtime(realtimePublisher(pubsubFor({}), logger)) }),
    settings: { threshold: 100, hourUtc: 0, pollMs: 1000 },
    appUrl: 'http://app.test',
    logger,
  });
  await another.runOnce();
  expect(await stack.db.notification.count({ where: { userId: seller.id, template: 'low-stock-digest' } })).toBe(1);
  expect((await mailsTo(stack, address)).filter((m) => m.subject.startsWith('Stock bajo'))).toHaveLength(1);
}, 120_000);
