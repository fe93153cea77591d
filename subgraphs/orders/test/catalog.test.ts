import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { errorOf, ok, sellerProduct } from './helpers';

/** The catalog on the subgraph tier: categories, products, stock; who may change them; bad input. */
let sg: InProcessSubgraph;
beforeAll(async () => {
  sg = await startSubgraph('orders');
});
afterAll(() => sg.stop());

const CREATE_CATEGORY = `mutation($name: String!, $slug: String!, $parentId: ID) {
  createCategory(name: $name, slug: $slug, parentId: $parentId) { id name slug parent { id } }
}`;
const UPDATE_PRODUCT = `mutation($id: ID!, $input: UpdateProductInput!) {
  updateProduct(id: $id, input: $input) { id title priceCents status images category { slug } }
}`;
const PRODUCT = `query($id: ID!) { product(id: $id) { id title priceCents status } }`;

describe('createCategory', () => {
  test('ADMIN creates a category and a subcategory; the tree shows both', async () => {
    const admin = sg.viewer('ADMIN');
    const { createCategory: music } = ok(
      await sg.execute<{ createCategory: { id: string } }>(CREATE_CATEGORY, { name: 'Music', slug: 'music' }, admin),
    );
    const { createCategory: vinyl } = ok(
      await sg.execute<{ createCategory: { parent: { id: string } } }>(
        CREATE_CATEGORY,
        { name: 'Vinyl', slug: 'music-vinyl', parentId: music.id },
        admin,
      ),
    );
    expect(vinyl.parent).toEqual({ id: music.id });
    const { categories } = ok(await sg.execute<{ categories: unknown[] }>(`{ categories { slug children { slug } } }`));
    expect(categories).toContainEqual({ slug: 'music', children: [{ slug: 'music-vinyl' }] });
  });

  test('an ORGANIZER or CUSTOMER is FORBIDDEN, and nothing is created', async () => {
    for (const viewer of [sg.viewer('ORGANIZER'), sg.viewer('CUSTOMER')]) {
      const res = await sg.execute(CREATE_CATEGORY, { name: 'Sneaky', slug: 'sneaky' }, viewer);
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
    expect(await sg.db.category.count({ where: { slug: 'sneaky' } })).toBe(0);
  });

  test('a bad slug, a missing parent or a taken slug names its argument, and nothing is created', async () => {
    const admin = sg.viewer('ADMIN');
    const before = await sg.db.category.count();
    expect(errorOf(await sg.execute(CREATE_CATEGORY, { name: 'X', slug: 'Not A Slug' }, admin))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'slug',
    });
    expect(errorOf(await sg.execute(CREATE_CATEGORY, { name: '', slug: 'empty-name' }, admin))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
    expect(
      errorOf(
        await sg.execute(
          CREATE_CATEGORY,
          { name: 'Orphan', slug: 'orphan', parentId: '00000000-0000-4000-8000-000000000000' },
          admin,
        ),
      ),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });
    ok(await sg.execute(CREATE_CATEGORY, { name: 'Books', slug: 'books' }, admin));
    expect(errorOf(await sg.execute(CREATE_CATEGORY, { name: 'Books again', slug: 'books' }, admin))).toEqual({
      code: 'CONFLICT',
      field: 'slug',
    });
    expect(await sg.db.category.count()).toBe(before + 1);
  });
});

describe('updateProduct', () => {
  test('the seller changes title, price, category and images; ADMIN may too', async () => {
    const { productId, seller } = await sellerProduct(sg, 1);
    const { createCategory } = ok(
      await sg.execute<{ createCategory: { id: string } }>(
        CREATE_CATEGORY,
        { name: 'Shirts', slug: 'shirts' },
        sg.viewer('ADMIN'),
      ),
    );
    const res = await sg.execute(
      UPDATE_PRODUCT,
      {
        id: productId,
        input: {
          title: 'Tour shirt',
          priceCents: 1800,
          categoryId: createCategory.id,
          images: ['https://cdn.example.com/a.png'],
        },
      },
      seller,
    );
    expect(ok(res).updateProduct).toEqual({
      id: productId,
      title: 'Tour shirt',
      priceCents: 1800,
      status: 'ACTIVE',
      images: ['https://cdn.example.com/a.png'],
      category: { slug: 'shirts' },
    });
    const byAdmin = await sg.execute(
      UPDATE_PRODUCT,
      { id: productId, input: { priceCents: 1700 } },
      sg.viewer('ADMIN'),
    );
    expect(ok(byAdmin).updateProduct.priceCents).toBe(1700);
  });

  test('another ORGANIZER is FORBIDDEN and a CUSTOMER too; the product is unchanged', async () => {
    const { productId } = await sellerProduct(sg, 1);
    expect(
      errorOf(await sg.execute(UPDATE_PRODUCT, { id: productId, input: { title: 'Mine now' } }, sg.viewer('ORGANIZER')))
        .code,
    ).toBe('FORBIDDEN');
    expect(
      errorOf(await sg.execute(UPDATE_PRODUCT, { id: productId, input: { title: 'Mine now' } }, sg.viewer('CUSTOMER')))
        .code,
    ).toBe('FORBIDDEN');
    expect((await sg.db.product.findUniqueOrThrow({ where: { id: productId } })).title).toBe('Festival T-shirt');
  });

  test('bad input names the field and changes nothing', async () => {
    const { productId, seller } = await sellerProduct(sg, 1);
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '' }, 'input.title'],
      [{ priceCents: -1 }, 'input.priceCents'],
      [{ images: ['ftp://example.com/a.png'] }, 'input.images.0'],
      [{ categoryId: 'not-a-uuid' }, 'input.categoryId'],
    ];
    for (const [input, field] of cases) {
      expect(errorOf(await sg.execute(UPDATE_PRODUCT, { id: productId, input }, seller))).toEqual({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    expect(errorOf(await sg.execute(UPDATE_PRODUCT, { id: 'nope', input: { title: 'X' } }, seller))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    const row = await sg.db.product.findUniqueOrThrow({ where: { id: productId } });
    expect({ title: row.title, priceCents: row.priceCents, images: row.images }).toEqual({
      title: 'Festival T-shirt',
      priceCents: 1500,
      images: [],
    });
  });

  test('an archived product leaves the public catalog; its seller still sees and lists it', async () => {
    const { productId, seller } = await sellerProduct(sg, 1);
    ok(await sg.execute(UPDATE_PRODUCT, { id: productId, input: { status: 'ARCHIVED' } }, seller));
    expect(ok(await sg.execute(PRODUCT, { id: productId }, sg.viewer('CUSTOMER'))).product).toBeNull();
    expect(ok(await sg.execute(PRODUCT, { id: productId }, seller)).product).toMatchObject({ status: 'ARCHIVED' });
    const LIST = `query($filter: ProductFilter) { products(filter: $filter) { edges { node { id } } } }`;
    const archived = { status: 'ARCHIVED', sellerId: seller.userId };
    const own = ok(await sg.execute<{ products: { edges: unknown[] } }>(LIST, { filter: archived }, seller));
    expect(own.products.edges).toEqual([{ node: { id: productId } }]);
    expect(errorOf(await sg.execute(LIST, { filter: archived }, sg.viewer('ORGANIZER'))).code).toBe('FORBIDDEN');
  });
});

describe('stock', () => {
  const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand held available } }`;

  test('ADJUST corrects stock and is journaled; OUT is refused; another seller is FORBIDDEN', async () => {
    const { productId, warehouseId, seller } = await sellerProduct(sg, 10);
    const input = { productId, warehouseId, kind: 'ADJUST', quantity: -3, reason: 'broken in transit' };
    expect(ok(await sg.execute(ADJUST, { input }, seller)).adjustStock).toEqual({ onHand: 7, held: 0, available: 7 });
    expect(errorOf(await sg.execute(ADJUST, { input: { ...input, kind: 'OUT' } }, seller))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.kind',
    });
    expect(errorOf(await sg.execute(ADJUST, { input: { ...input, quantity: -8 } }, seller))).toEqual({
      code: 'CONFLICT',
      field: 'input.quantity',
    });
    expect(errorOf(await sg.execute(ADJUST, { input }, sg.viewer('ORGANIZER'))).code).toBe('FORBIDDEN');
    expect(errorOf(await sg.execute(ADJUST, { input }, sg.viewer('CUSTOMER'))).code).toBe('FORBIDDEN');
    expect((await sg.db.stock.findFirstOrThrow({ where: { productId } })).onHand).toBe(7);
    const { product } = ok(
      await sg.execute<{ product: { stockMovements: { edges: { node: { kind: string; quantity: number } }[] } } }>(
        `query($id: ID!) { product(id: $id) { stockMovements { edges { node { kind quantity } } } } }`,
        { id: productId },
        seller,
      ),
    );
    expect(product.stockMovements.edges.map((e) => e.node)).toEqual([
      { kind: 'ADJUST', quantity: -3 },
      { kind: 'IN', quantity: 10 },
    ]);
  });

  test('warehouses are listed for sellers only', async () => {
    await sellerProduct(sg, 1);
    const { warehouses } = ok(
      await sg.execute<{ warehouses: unknown[] }>(`{ warehouses { id } }`, {}, sg.viewer('ORGANIZER')),
    );
    expect(warehouses.length).toBeGreaterThan(0);
    expect(errorOf(await sg.execute(`{ warehouses { id } }`, {}, sg.viewer('CUSTOMER'))).code).toBe('FORBIDDEN');
  });
});

describe('cursors', () => {
  const forged = Buffer.from(JSON.stringify({ c: 'nope', i: '1' })).toString('base64url');

  test('pages follow endCursor; a junk or forged `after` is BAD_USER_INPUT on after', async () => {
    const { seller } = await sellerProduct(sg, 1);
    await sellerProduct(sg, 1, { seller });
    const LIST = `query($after: String, $filter: ProductFilter) {
      products(first: 1, after: $after, filter: $filter) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }
    }`;
    type Page = {
      products: {
        totalCount: number;
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const filter = { sellerId: seller.userId };
    const first = ok(await sg.execute<Page>(LIST, { filter }));
    expect(first.products).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const second = ok(await sg.execute<Page>(LIST, { filter, after: first.products.pageInfo.endCursor }));
    expect(second.products.pageInfo.hasNextPage).toBe(false);
    expect(second.products.edges[0]!.node.id).not.toBe(first.products.edges[0]!.node.id);
    for (const after of ['x', forged]) {
      expect(errorOf(await sg.execute(LIST, { filter, after }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    const orders = `query($after: String) { myOrders(after: $after) { totalCount } }`;
    expect(errorOf(await sg.execute(orders, { after: forged }, sg.viewer('CUSTOMER')))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });
});
