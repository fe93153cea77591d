import { inTransaction, type Db } from '../../../../shared/db';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import { pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import * as catalog from '../data/catalog';
import * as inventory from '../data/inventory';
import { canListArchived, managesProduct } from './access';
import { newestFirst } from './cursors';
import * as events from './events';
import * as valid from './validation';

export interface ProductFilterInput {
  categoryId?: string | null;
  sellerId?: string | null;
  search?: string | null;
  status?: catalog.ProductStatus | null;
}

/** Categories, products, warehouses and stock. Sellers manage their own products. */
export class CatalogService {
  constructor(private readonly deps: { db: Db }) {}

  rootCategories(): Promise<catalog.Category[]> {
    return catalog.findRootCategories(this.deps.db);
  }

  warehouses(): Promise<catalog.Warehouse[]> {
    return catalog.listWarehouses(this.deps.db);
  }

  async createCategory(
    _ctx: RequestContext,
    input: { name: string; slug: string; parentId?: string | null },
  ): Promise<catalog.Category> {
    const parentId = input.parentId ? valid.uuid('parentId', input.parentId) : null;
    if (parentId && (await catalog.findCategoriesByIds(this.deps.db, [parentId])).length === 0)
      throw badInput('parentId', 'parentId is not a category');
    const data = {
      name: valid.text('name', input.name, { min: 1, max: 120 }),
      slug: valid.slug('slug', input.slug),
      parentId,
    };
    try {
      return await inTransaction(this.deps.db, async (tx) => {
        const category = await catalog.createCategory(tx, data);
        await events.categoryChanged(tx, category);
        return category;
      });
    } catch (err) {
      if (err instanceof catalog.UniqueViolation) throw conflict('A category with this slug exists', 'slug');
      throw err;
    }
  }

  createWarehouse(_ctx: RequestContext, input: { name: string; location?: string | null }): Promise<catalog.Warehouse> {
    return catalog.createWarehouse(this.deps.db, {
      name: valid.text('name', input.name, { min: 1, max: 120 }),
      location: valid.text('location', input.location ?? '', { max: 300 }),
    });
  }

  async createProduct(
    ctx: RequestContext,
    input: {
      title: string;
      description?: string | null;
      priceCents: number;
      currency: string;
      categoryId?: string | null;
      images?: string[] | null;
    },
  ): Promise<catalog.Product> {
    if (!ctx.viewer) throw unauthenticated();
    const categoryId = input.categoryId ? await this.category('input.categoryId', input.categoryId) : null;
    return catalog.createProduct(this.deps.db, {
      sellerId: ctx.viewer.userId,
      title: valid.text('input.title', input.title, { min: 1, max: 200 }),
      description: valid.text('input.description', input.description ?? '', { max: 5000 }),
      priceCents: valid.priceCents('input.priceCents', input.priceCents),
      currency: valid.currency('input.currency', input.currency),
      categoryId,
      images: valid.images('input.images', input.images ?? []),
    });
  }

  async updateProduct(
    ctx: RequestContext,
    id: string,
    input: {
      title?: string | null;
      description?: string | null;
      priceCents?: number | null;
      categoryId?: string | null;
      status?: catalog.ProductStatus | null;
      images?: string[] | null;
    },
  ): Promise<catalog.Product> {
    const product = await this.ownProduct(ctx, 'id', id);
    return catalog.updateProduct(this.deps.db, product.id, {
      title: input.title == null ? undefined : valid.text('input.title', input.title, { min: 1, max: 200 }),
      description:
        input.description == null ? undefined : valid.text('input.description', input.description, { max: 5000 }),
      priceCents: input.priceCents == null ? undefined : valid.priceCents('input.priceCents', input.priceCents),
      categoryId:
        input.categoryId === undefined
          ? undefined
          : input.categoryId === null
            ? null
            : await this.category('input.categoryId', input.categoryId),
      status: input.status ?? undefined,
      images: input.images == null ? undefined : valid.images('input.images', input.images),
    });
  }

  /** IN receives units (positive); ADJUST corrects by a signed amount, never below what is held. Journaled. */
  async adjustStock(
    ctx: RequestContext,
    input: {
      productId: string;
      warehouseId: string;
      kind: 'IN' | 'OUT' | 'ADJUST' | 'RESERVE' | 'RELEASE';
      quantity: number;
      reason: string;
    },
  ) {
    const product = await this.ownProduct(ctx, 'input.productId', input.productId);
    const warehouseId = valid.uuid('input.warehouseId', input.warehouseId);
    if ((await catalog.findWarehousesByIds(this.deps.db, [warehouseId])).length === 0)
      throw badInput('input.warehouseId', 'input.warehouseId is not a warehouse');
    const reason = valid.text('input.reason', input.reason, { min: 1, max: 300 });
    if (input.kind !== 'IN' && input.kind !== 'ADJUST')
      throw badInput('input.kind', 'input.kind must be IN or ADJUST (the others are recorded by orders)');
    if (
      !Number.isInteger(input.quantity) ||
      input.quantity === 0 ||
      Math.abs(input.quantity) > 1_000_000 ||
      (input.kind === 'IN' && input.quantity < 0)
    ) {
      throw badInput(
        'input.quantity',
        input.kind === 'IN'
          ? 'input.quantity must be a positive whole number'
          : 'input.quantity must be a non-zero whole number',
      );
    }
    return inTransaction(this.deps.db, async (tx) => {
      if (input.kind === 'IN') await inventory.receiveStock(tx, product.id, warehouseId, input.quantity);
      else if (!(await inventory.adjustStock(tx, product.id, warehouseId, input.quantity))) {
        throw conflict(
          'The correction would leave fewer units than are held (or there is no stock here)',
          'input.quantity',
        );
      }
      await inventory.recordMovements(tx, [
        {
          productId: product.id,
          warehouseId,
          kind: input.kind,
          quantity: input.quantity,
          reason,
          actorId: ctx.viewer!.userId,
          orderId: null,
        },
      ]);
      await events.stockChanged(tx, [product.id]);
      return (await inventory.findStock(tx, product.id, warehouseId))!;
    });
  }

  /** Public listing: ACTIVE products; ARCHIVED ones only for their seller (filter.sellerId = self) or ADMIN. */
  async listProducts(
    ctx: RequestContext,
    args: { filter?: ProductFilterInput | null; first?: number | null; after?: string | null },
  ): Promise<Connection<catalog.Product>> {
    const first = pageSize(args.first);
    const filter = args.filter ?? {};
    const status = filter.status ?? 'ACTIVE';
    const sellerId = filter.sellerId ? valid.uuid('filter.sellerId', filter.sellerId) : undefined;
    if (status === 'ARCHIVED' && !canListArchived(ctx.viewer, sellerId)) {
      throw forbidden('ARCHIVED products are listed only for their seller (filter.sellerId) and ADMIN');
    }
    if (filter.search && filter.search.length > 200) throw badInput('filter.search', 'filter.search is too long');
    const categoryIds = filter.categoryId
      ? await catalog.categorySubtreeIds(this.deps.db, valid.uuid('filter.categoryId', filter.categoryId))
      : undefined;
    const query = { status, sellerId, categoryIds, search: filter.search ?? undefined };
    const after = newestFirst.decode(args.after);
    const [rows, totalCount] = await Promise.all([
      catalog.listProducts(this.deps.db, query, after, first + 1),
      catalog.countProducts(this.deps.db, query),
    ]);
    return toConnection(rows, first, totalCount, newestFirst.encode);
  }

  async movements(
    product: catalog.Product,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<catalog.StockMovement>> {
    const first = pageSize(args.first);
    const after = newestFirst.decode(args.after);
    const [rows, totalCount] = await Promise.all([
      catalog.listMovements(this.deps.db, product.id, after, first + 1),
      catalog.countMovements(this.deps.db, product.id),
    ]);
    return toConnection(rows, first, totalCount, newestFirst.encode);
  }

  private async category(field: string, id: string): Promise<string> {
    const categoryId = valid.uuid(field, id);
    if ((await catalog.findCategoriesByIds(this.deps.db, [categoryId])).length === 0)
      throw badInput(field, `${field} is not a category`);
    return categoryId;
  }

  private async ownProduct(ctx: RequestContext, field: string, id: string): Promise<catalog.Product> {
    const [product] = await catalog.findProductsByIds(this.deps.db, [valid.uuid(field, id)]);
    if (!product) throw notFound('Product');
    if (!managesProduct(ctx.viewer, product)) throw forbidden('Only the seller of a product (or ADMIN) may change it');
    return product;
  }
}
