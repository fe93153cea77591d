import { randomUUID } from 'node:crypto';
import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { errorOf, feedTicketType, ok, sellerProduct } from './helpers';

/** The cart edits on the subgraph tier: add, update, remove, clear; only one's own lines; bad input. */
let sg: InProcessSubgraph;
beforeAll(async () => {
  sg = await startSubgraph('orders', { workers: true });
});
afterAll(() => sg.stop());

const LINES = 'itemCount lines { id quantity unitPriceCents currency product { id } ticketType { id available } }';
const ADD = `mutation($input: LineInput!) { addToCart(input: $input) { ${LINES} } }`;
const UPDATE = `mutation($id: ID!, $quantity: Int!) { updateCartLine(id: $id, quantity: $quantity) { ${LINES} } }`;
const REMOVE = `mutation($id: ID!) { removeCartLine(id: $id) { ${LINES} } }`;
const CLEAR = `mutation { clearCart { ${LINES} } }`;

type CartData = {
  itemCount: number;
  lines: { id: string; quantity: number; unitPriceCents: number; currency: string }[];
};

async function cartWithTwoLines() {
  const type = await feedTicketType(sg, { capacity: 20, priceCents: 4000 });
  const { productId } = await sellerProduct(sg, 5, { priceCents: 1200 });
  const buyer = sg.viewer('CUSTOMER');
  ok(await sg.execute(ADD, { input: { ticketTypeId: type.ticketTypeId, quantity: 2 } }, buyer));
  const { addToCart } = ok(
    await sg.execute<{ addToCart: CartData }>(ADD, { input: { productId, quantity: 1 } }, buyer),
  );
  return { buyer, type, productId, cart: addToCart };
}

const linesOf = (userId: string) =>
  sg.db.cartLine.findMany({ where: { userId }, orderBy: { createdAt: 'asc' }, select: { quantity: true } });

test('add sums with a line already there; update, remove and clear edit only the one cart', async () => {
  const { buyer, type, cart } = await cartWithTwoLines();
  expect(cart).toMatchObject({
    itemCount: 3,
    lines: [
      { quantity: 2, unitPriceCents: 4000, currency: 'EUR' },
      { quantity: 1, unitPriceCents: 1200, currency: 'EUR' },
    ],
  });
  const again = ok(
    await sg.execute<{ addToCart: CartData }>(ADD, { input: { ticketTypeId: type.ticketTypeId, quantity: 3 } }, buyer),
  );
  expect(again.addToCart.lines.map((l) => l.quantity)).toEqual([5, 1]);

  const [ticketLine, productLine] = cart.lines;
  const updated = ok(
    await sg.execute<{ updateCartLine: CartData }>(UPDATE, { id: productLine!.id, quantity: 4 }, buyer),
  );
  expect(updated.updateCartLine.itemCount).toBe(9);
  const removed = ok(await sg.execute<{ removeCartLine: CartData }>(REMOVE, { id: ticketLine!.id }, buyer));
  expect(removed.removeCartLine).toMatchObject({ itemCount: 4, lines: [{ id: productLine!.id, quantity: 4 }] });

  const other = sg.viewer('CUSTOMER');
  ok(await sg.execute(ADD, { input: { ticketTypeId: type.ticketTypeId, quantity: 1 } }, other));
  expect(ok(await sg.execute<{ clearCart: CartData }>(CLEAR, {}, buyer)).clearCart).toEqual({
    itemCount: 0,
    lines: [],
  });
  expect(await linesOf(other.userId)).toEqual([{ quantity: 1 }]);
});

test("another user's line is NOT_FOUND to update or remove, and stays as it was", async () => {
  const { buyer, cart } = await cartWithTwoLines();
  const stranger = sg.viewer('CUSTOMER');
  const line = cart.lines[0]!;
  expect(errorOf(await sg.execute(UPDATE, { id: line.id, quantity: 9 }, stranger)).code).toBe('NOT_FOUND');
  expect(errorOf(await sg.execute(REMOVE, { id: line.id }, stranger)).code).toBe('NOT_FOUND');
  expect(await linesOf(buyer.userId)).toEqual([{ quantity: 2 }, { quantity: 1 }]);
});

test('an anonymous caller is UNAUTHENTICATED for every cart edit, and nothing changes', async () => {
  const { buyer, type, cart } = await cartWithTwoLines();
  const line = cart.lines[0]!;
  for (const [query, variables] of [
    [ADD, { input: { ticketTypeId: type.ticketTypeId, quantity: 1 } }],
    [UPDATE, { id: line.id, quantity: 9 }],
    [REMOVE, { id: line.id }],
    [CLEAR, {}],
  ] as const) {
    expect(errorOf(await sg.execute(query, variables)).code).toBe('UNAUTHENTICATED');
  }
  expect(await linesOf(buyer.userId)).toEqual([{ quantity: 2 }, { quantity: 1 }]);
});

test('bad input names the field and changes nothing', async () => {
  const { buyer, type, productId, cart } = await cartWithTwoLines();
  const line = cart.lines[0]!;
  const cases: [string, Record<string, unknown>, string][] = [
    [ADD, { input: { ticketTypeId: type.ticketTypeId, productId, quantity: 1 } }, 'input'],
    [ADD, { input: { quantity: 1 } }, 'input'],
    [ADD, { input: { ticketTypeId: type.ticketTypeId, quantity: 0 } }, 'input.quantity'],
    [ADD, { input: { ticketTypeId: type.ticketTypeId, quantity: 11 } }, 'input.quantity'], // maxPerOrder 10
    [ADD, { input: { ticketTypeId: randomUUID(), quantity: 1 } }, 'input.ticketTypeId'],
    [ADD, { input: { productId: 'nope', quantity: 1 } }, 'input.productId'],
    [UPDATE, { id: line.id, quantity: 101 }, 'quantity'],
    [UPDATE, { id: 'nope', quantity: 1 }, 'id'],
    [REMOVE, { id: 'nope' }, 'id'],
  ];
  for (const [query, variables, field] of cases) {
    expect({ field, error: errorOf(await sg.execute(query, variables, buyer)) }).toEqual({
      field,
      error: { code: 'BAD_USER_INPUT', field },
    });
  }
  expect(await linesOf(buyer.userId)).toEqual([{ quantity: 2 }, { quantity: 1 }]);
});

test('a product no longer sold cannot be added (CONFLICT)', async () => {
  const { productId, seller } = await sellerProduct(sg, 2);
  ok(
    await sg.execute(
      `mutation($id: ID!) { updateProduct(id: $id, input: { status: ARCHIVED }) { id } }`,
      { id: productId },
      seller,
    ),
  );
  const buyer = sg.viewer('CUSTOMER');
  expect(errorOf(await sg.execute(ADD, { input: { productId, quantity: 1 } }, buyer))).toEqual({
    code: 'CONFLICT',
    field: 'input.productId',
  });
  expect(await linesOf(buyer.userId)).toEqual([]);
});
