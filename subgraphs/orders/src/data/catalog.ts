import type {
  Category,
  Prisma,
  Product,
  ProductStatus,
  StockMovement,
  Warehouse,
} from '../../../../prisma/generated/prisma/client';
import { isUniqueViolation, likeLiteral, type Db, type Tx } from '../../../../shared/db';

/** Data access for categories, products, warehouses and the stock journal. */
export type { Category, Product, ProductStatus, StockMovement, Warehouse };

/** Thrown by inserts that hit a unique index (the index decides, race-free). */
export class UniqueViolation extends Error {}

export function findCategoriesByIds(db: Db | Tx, ids: readonly string[]): Promise<Category[]> {
  return db.category.findMany({ where: { id: { in: [...ids] } } });
}

export function findChildCategories(db: Db | Tx, parentIds: readonly string[]): Promise<Category[]> {
  return db.category.findMany({
    where: { parentId: { in: [...parentIds] } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
}

export function findRootCategories(db: Db | Tx): Promise<Category[]> {
  return db.category.findMany({ where: { parentId: null }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

/** The category and all its descendants. */
export async function categorySubtreeIds(db: Db | Tx, rootId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE tree AS (
      SELECT id FROM orders.categories WHERE id = ${rootId}::uuid
      UNION ALL
      SELECT c.id FROM orders.categories c JOIN tree ON c.parent_id = tree.id
    ) SELECT id::text FROM tree`;
  return rows.map((r) => r.id);
}

export async function createCategory(
  db: Db | Tx,
  data: { name: string; slug: string; parentId: string | null },
): Promise<Category> {
  try {
    return await db.category.create({ data });
  } catch (err) {
    if (isUniqueViolation(err)) throw new UniqueViolation(data.slug);
    throw err;
  }
}

export function createWarehouse(db: Db | Tx, data: { name: string; location: string }): Promise<Warehouse> {
  return db.warehouse.create({ data });
}

export function findWarehousesByIds(db: Db | Tx, ids: readonly string[]): Promise<Warehouse[]> {
  return db.warehouse.findMany({ where: { id: { in: [...ids] } } });
}

export function listWarehouses(db: Db | Tx): Promise<Warehouse[]> {
  return db.warehouse.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

export function findProductsByIds(db: Db | Tx, ids: readonly string[]): Promise<Product[]> {
  return db.product.findMany({ where: { id: { in: [...ids] } } });
}

export function createProduct(db: Db | Tx, data: Prisma.ProductUncheckedCreateInput): Promise<Product> {
  return db.product.create({ data });
}

export function updateProduct(db: Db | Tx, id: string, data: Prisma.ProductUncheckedUpdateInput): Promise<Product> {
  return db.product.update({ where: { id }, data });
}

export interface ProductQuery {
  categoryIds?: string[];
  sellerId?: string;
  search?: string;
  status: ProductStatus;
}

function productWhere(q: ProductQuery): Prisma.ProductWhereInput {
  return {
    status: q.status,
    ...(q.categoryIds ? { categoryId: { in: q.categoryIds } } : {}),
    ...(q.sellerId ? { sellerId: q.sellerId } : {}),
    ...(q.search ? { title: { contains: likeLiteral(q.search), mode: 'insensitive' as const } } : {}),
  };
}

/** Newest first, in (createdAt, id) descending order, after the given key. */
export function listProducts(
  db: Db | Tx,
  q: ProductQuery,
  after: { createdAt: Date; id: string } | undefined,
  take: number,
): Promise<Product[]> {
  const where = productWhere(q);
  return db.product.findMany({
    where: after
      ? {
          AND: [
            where,
            { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
          ],
        }
      : where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
}

export function countProducts(db: Db | Tx, q: ProductQuery): Promise<number> {
  return db.product.count({ where: productWhere(q) });
}

export function listMovements(
  db: Db | Tx,
  productId: string,
  after: { createdAt: Date; id: string } | undefined,
  take: number,
): Promise<StockMovement[]> {
  return db.stockMovement.findMany({
    where: {
      productId,
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
}

export function countMovements(db: Db | Tx, productId: string): Promise<number> {
  return db.stockMovement.count({ where: { productId } });
}
