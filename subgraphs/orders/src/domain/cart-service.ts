import { inTransaction, type Db } from '../../../../shared/db';
import { badInput, conflict, notFound, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import * as carts from '../data/carts';
import * as catalog from '../data/catalog';
import * as inventory from '../data/inventory';
import type { CartModel } from '../models';
import * as valid from './validation';

/**
 * The signed-in user's cart. A cart holds nothing: stock and capacity are taken only by
 * checkout, so a cart line may turn out SOLD_OUT there.
 */
export class CartService {
  constructor(private readonly deps: { db: Db }) {}

  private userId(ctx: RequestContext): string {
    if (!ctx.viewer) throw unauthenticated();
    return ctx.viewer.userId;
  }

  async cart(userId: string): Promise<CartModel> {
    return { userId, lines: await carts.findCartLines(this.deps.db, userId) };
  }

  async add(
    ctx: RequestContext,
    input: { productId?: string | null; ticketTypeId?: string | null; quantity: number },
  ): Promise<CartModel> {
    const userId = this.userId(ctx);
    const target = valid.lineTarget('input', input);
    const quantity = valid.quantity('input.quantity', input.quantity);
    if (target.productId) {
      const [product] = await catalog.findProductsByIds(this.deps.db, [target.productId]);
      if (!product) throw badInput('input.productId', 'input.productId is not a product');
      if (product.status !== 'ACTIVE') throw conflict(`${product.title} is no longer sold`, 'input.productId');
    } else {
      const [type] = await inventory.findTicketTypes(this.deps.db, [target.ticketTypeId!]);
      if (!type) throw badInput('input.ticketTypeId', 'input.ticketTypeId is not a ticket type on sale');
      if (quantity > type.maxPerOrder)
        throw badInput('input.quantity', `${type.name}: at most ${type.maxPerOrder} tickets per order`);
    }
    await inTransaction(this.deps.db, async (tx) => {
      const total = await carts.addToLine(tx, userId, target, quantity);
      if (total > valid.MAX_LINE_QUANTITY)
        throw badInput('input.quantity', `A cart line holds at most ${valid.MAX_LINE_QUANTITY} units`);
    });
    return this.cart(userId);
  }

  async update(ctx: RequestContext, id: string, quantity: number): Promise<CartModel> {
    const userId = this.userId(ctx);
    if (
      !(await carts.setLineQuantity(this.deps.db, userId, valid.uuid('id', id), valid.quantity('quantity', quantity)))
    )
      throw notFound('Cart line');
    return this.cart(userId);
  }

  async remove(ctx: RequestContext, id: string): Promise<CartModel> {
    const userId = this.userId(ctx);
    if (!(await carts.removeLine(this.deps.db, userId, valid.uuid('id', id)))) throw notFound('Cart line');
    return this.cart(userId);
  }

  async clear(ctx: RequestContext): Promise<CartModel> {
    const userId = this.userId(ctx);
    await carts.clearCart(this.deps.db, userId);
    return this.cart(userId);
  }
}
