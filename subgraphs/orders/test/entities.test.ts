import { randomUUID } from 'node:crypto';
import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { ADDRESS, CHECKOUT, errorOf, feedTicketType, ok, sellerProduct } from './helpers';

/** One `_entities` test per resolvable @key of the orders SDL: who may resolve what through a reference. */
let sg: InProcessSubgraph;
beforeAll(async () => {
  sg = await startSubgraph('orders', { workers: true });
});
afterAll(() => sg.stop());

const entities = (fragment: string) => `query ($reps: [_Any!]!) { _entities(representations: $reps) { ${fragment} } }`;

describe('User @key(id)', () => {
  const USER = entities('... on User { id cart { itemCount } orders { totalCount } }');

  test('the user themself gets their cart and orders', async () => {
    const type = await feedTicketType(sg, { capacity: 10 });
    const buyer = sg.viewer('CUSTOMER');
    ok(
      await sg.execute(
        `mutation($input: LineInput!) { addToCart(input: $input) { itemCount } }`,
        { input: { ticketTypeId: type.ticketTypeId, quantity: 2 } },
        buyer,
      ),
    );
    const res = await sg.execute(USER, { reps: [{ __typename: 'User', id: buyer.userId }] }, buyer);
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([{ id: buyer.userId, cart: { itemCount: 2 }, orders: { totalCount: 0 } }]);
  });

  test("another customer is FORBIDDEN the user's cart and sees none of it", async () => {
    const type = await feedTicketType(sg, { capacity: 10 });
    const owner = sg.viewer('CUSTOMER');
    ok(
      await sg.execute(
        `mutation($input: LineInput!) { addToCart(input: $input) { itemCount } }`,
        { input: { ticketTypeId: type.ticketTypeId, quantity: 3 } },
        owner,
      ),
    );
    const res = await sg.execute(
      entities('... on User { id cart { itemCount } }'),
      { reps: [{ __typename: 'User', id: owner.userId }] },
      sg.viewer('CUSTOMER'),
    );
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(JSON.stringify(res.data ?? null)).not.toContain('itemCount');
  });
});

describe('TicketType @key(id)', () => {
  const COUNTERS = entities('... on TicketType { id available sold }');

  test("anyone reads orders' counters (they are public); a type not copied yet has nothing for sale", async () => {
    const type = await feedTicketType(sg, { capacity: 7 });
    const unknown = randomUUID();
    const res = await sg.execute(COUNTERS, {
      reps: [
        { __typename: 'TicketType', id: type.ticketTypeId },
        { __typename: 'TicketType', id: unknown },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([
      { id: type.ticketTypeId, available: 7, sold: 0 },
      { id: unknown, available: 0, sold: 0 },
    ]);
  });
});

describe('Product @key(id)', () => {
  const PRODUCT = entities('... on Product { id title status }');
  const archive = (productId: string, seller: ReturnType<InProcessSubgraph['viewer']>) =>
    sg.execute(
      `mutation($id: ID!) { updateProduct(id: $id, input: { status: ARCHIVED }) { status } }`,
      { id: productId },
      seller,
    );

  test('an active product resolves for anyone; an archived one for its seller', async () => {
    const { productId, seller } = await sellerProduct(sg, 1);
    const anyone = await sg.execute(PRODUCT, { reps: [{ __typename: 'Product', id: productId }] });
    expect(anyone.data!._entities).toEqual([{ id: productId, title: 'Festival T-shirt', status: 'ACTIVE' }]);
    ok(await archive(productId, seller));
    const own = await sg.execute(PRODUCT, { reps: [{ __typename: 'Product', id: productId }] }, seller);
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities).toEqual([{ id: productId, title: 'Festival T-shirt', status: 'ARCHIVED' }]);
  });

  test('an archived product is FORBIDDEN to others, and its stock to anyone but the seller', async () => {
    const { productId, seller } = await sellerProduct(sg, 4);
    const stock = await sg.execute(
      entities('... on Product { id stock { onHand } }'),
      { reps: [{ __typename: 'Product', id: productId }] },
      sg.viewer('ORGANIZER'),
    );
    expect(errorOf(stock).code).toBe('FORBIDDEN');
    expect(JSON.stringify(stock.data ?? null)).not.toContain('onHand');
    ok(await archive(productId, seller));
    const other = await sg.execute(
      PRODUCT,
      { reps: [{ __typename: 'Product', id: productId }] },
      sg.viewer('CUSTOMER'),
    );
    expect(errorOf(other).code).toBe('FORBIDDEN');
    expect(JSON.stringify(other.data ?? null)).not.toContain('Festival');
  });
});

describe('Order @key(id)', () => {
  const ORDER = entities('... on Order { id totalCents lines { quantity } }');

  async function placedOrder() {
    const { productId, seller } = await sellerProduct(sg, 5);
    const buyer = sg.viewer('CUSTOMER');
    const { checkout } = ok(
      await sg.execute<{ checkout: { order: { id: string } } }>(
        CHECKOUT,
        {
          input: {
            idempotencyKey: `ent-${randomUUID()}`,
            lines: [{ productId, quantity: 2 }],
            shippingAddress: ADDRESS,
          },
        },
        buyer,
      ),
    );
    return { orderId: checkout.order.id, buyer, seller };
  }

  test('its buyer and the seller of its lines resolve it', async () => {
    const { orderId, buyer, seller } = await placedOrder();
    for (const viewer of [buyer, seller]) {
      const res = await sg.execute(ORDER, { reps: [{ __typename: 'Order', id: orderId }] }, viewer);
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([{ id: orderId, totalCents: 3000, lines: [{ quantity: 2 }] }]);
    }
  });

  test('another customer is FORBIDDEN and an anonymous caller UNAUTHENTICATED; neither gets data', async () => {
    const { orderId } = await placedOrder();
    const other = await sg.execute(ORDER, { reps: [{ __typename: 'Order', id: orderId }] }, sg.viewer('CUSTOMER'));
    expect(errorOf(other).code).toBe('FORBIDDEN');
    expect(other.data?._entities?.[0] ?? null).toBeNull();
    const anonymous = await sg.execute(ORDER, { reps: [{ __typename: 'Order', id: orderId }] });
    expect(errorOf(anonymous).code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?._entities?.[0] ?? null).toBeNull();
  });
});
