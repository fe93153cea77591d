import type { Tx } from '../../shared/db';
import * as catalog from '../../subgraphs/orders/src/data/catalog';
import * as inventory from '../../subgraphs/orders/src/data/inventory';
import { categoryChanged, stockChanged } from '../../subgraphs/orders/src/domain/events';

/**
 * Catalog demo data: a small category tree, products sold by the demo ORGANIZER, and a
 * warehouse holding their stock, received as journaled IN movements as `adjustStock` records
 * them, each announced with StockChanged (and each category with CategoryChanged). Called by `seedDemoData` on a fresh database only.
 */
interface DemoCategory {
  name: string;
  slug: string;
  children?: DemoCategory[];
}

const CATEGORIES: DemoCategory[] = [
  {
    name: 'Merchandising',
    slug: 'merchandising',
    children: [
      { name: 'Camisetas', slug: 'camisetas' },
      { name: 'Accesorios', slug: 'accesorios' },
    ],
  },
  { name: 'Música', slug: 'musica', children: [{ name: 'Vinilos', slug: 'vinilos' }] },
];

const PRODUCTS = [
  {
    title: 'Camiseta Festival de Jazz de Madrid',
    description: 'Algodón orgánico, serigrafía del cartel del festival. Tallas S a XL.',
    priceCents: 2200,
    category: 'camisetas',
    units: 120,
  },
  {
    title: 'Tote bag Noche flamenca',
    description: 'Bolsa de lona con asas largas e ilustración de Triana.',
    priceCents: 1200,
    category: 'accesorios',
    units: 200,
  },
  {
    title: 'Abanico Sevilla',
    description: 'Abanico de madera pintado a mano.',
    priceCents: 1500,
    category: 'accesorios',
    units: 80,
  },
  {
    title: 'Vinilo «Gala de ópera en el Palau» (directo)',
    description: 'Doble LP de 180 g con la grabación en directo de la gala.',
    priceCents: 3400,
    category: 'vinilos',
    units: 40,
  },
];

const WAREHOUSE = {
  name: 'Almacén central',
  location: 'Polígono Industrial Las Mercedes, Calle Campezo, 1, 28022 Madrid',
};

/** Seeds the catalog in `tx`; `sellerId` sells every product and receives its stock. */
export async function seedOrdersData(tx: Tx, sellerId: string): Promise<void> {
  const categoryIds = new Map<string, string>();
  const addCategories = async (list: DemoCategory[], parentId: string | null): Promise<void> => {
    for (const c of list) {
      const created = await catalog.createCategory(tx, { name: c.name, slug: c.slug, parentId });
      await categoryChanged(tx, created);
      categoryIds.set(c.slug, created.id);
      await addCategories(c.children ?? [], created.id);
    }
  };
  await addCategories(CATEGORIES, null);

  const warehouse = await catalog.createWarehouse(tx, WAREHOUSE);
  for (const p of PRODUCTS) {
    const product = await catalog.createProduct(tx, {
      sellerId,
      title: p.title,
      description: p.description,
      priceCents: p.priceCents,
      currency: 'EUR',
      categoryId: categoryIds.get(p.category)!,
    });
    await inventory.receiveStock(tx, product.id, warehouse.id, p.units);
    await inventory.recordMovements(tx, [
      {
        productId: product.id,
        warehouseId: warehouse.id,
        kind: 'IN',
        quantity: p.units,
        reason: 'Stock inicial',
        actorId: sellerId,
        orderId: null,
      },
    ]);
    await stockChanged(tx, [product.id]);
  }
}
