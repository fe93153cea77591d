import type { CartLineResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';

/** A cart line's product or ticket type; its price is the current one. */
async function target(line: { productId: string | null; ticketTypeId: string | null }, ctx: Context) {
  return line.productId
    ? ctx.loaders.productById.load(line.productId)
    : ctx.loaders.ticketTypeById.load(line.ticketTypeId!);
}

export const CartLine: CartLineResolvers = {
  product: (l, _args, ctx) => (l.productId ? ctx.loaders.productById.load(l.productId) : null),
  ticketType: (l, _args, ctx) => (l.ticketTypeId ? ctx.loaders.ticketTypeById.load(l.ticketTypeId) : null),
  unitPriceCents: async (l, _args, ctx) => (await target(l, ctx))?.priceCents ?? 0,
  currency: async (l, _args, ctx) => (await target(l, ctx))?.currency ?? '',
};
