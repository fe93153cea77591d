import type {
  CartLineResolvers,
  CartResolvers,
  DeliveryResolvers,
  OrderLineResolvers,
  OrderResolvers,
  RefundResolvers,
} from '../__generated__/resolvers-types';
import type { Context } from '../context';

/** A cart line's product or ticket type; its price is the current one. */
async function target(line: { productId: string | null; ticketTypeId: string | null }, ctx: Context) {
  return line.productId
    ? ctx.loaders.productById.load(line.productId)
    : ctx.loaders.ticketTypeById.load(line.ticketTypeId!);
}

export const Cart: CartResolvers = {
  itemCount: (cart) => cart.lines.reduce((sum, l) => sum + l.quantity, 0),
};

export const CartLine: CartLineResolvers = {
  product: (l, _args, ctx) => (l.productId ? ctx.loaders.productById.load(l.productId) : null),
  ticketType: (l, _args, ctx) => (l.ticketTypeId ? ctx.loaders.ticketTypeById.load(l.ticketTypeId) : null),
  unitPriceCents: async (l, _args, ctx) => (await target(l, ctx))?.priceCents ?? 0,
  currency: async (l, _args, ctx) => (await target(l, ctx))?.currency ?? '',
};

export const Order: OrderResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.orderById.load(reference.id),
  buyer: (o) => ({ id: o.buyerId }),
  // The buyer and ADMIN see every line; a seller only their own.
  lines: async (o, _args, ctx) => {
    const lines = await ctx.loaders.linesByOrder.load(o.id);
    const viewer = ctx.viewer;
    if (!viewer || o.buyerId === viewer.userId || viewer.roles.includes('ADMIN')) return lines;
    return lines.filter((l) => l.sellerId === viewer.userId);
  },
  payment: async (o, _args, ctx) => (await ctx.loaders.paymentByOrder.load(o.id))[0] ?? null,
  deliveries: (o, _args, ctx) => ctx.loaders.deliveriesByOrder.load(o.id),
  refunds: (o, _args, ctx) => ctx.loaders.refundsByOrder.load(o.id),
};

export const OrderLine: OrderLineResolvers = {
  product: (l, _args, ctx) => (l.productId ? ctx.loaders.productById.load(l.productId) : null),
  // A reference: the gateway asks tickets for the rest of the TicketType.
  ticketType: async (l, _args, ctx) => (l.ticketTypeId ? ctx.loaders.ticketTypeById.load(l.ticketTypeId) : null),
  seller: (l) => ({ id: l.sellerId }),
  totalCents: (l) => l.quantity * l.unitPriceCents,
};

export const Delivery: DeliveryResolvers = {
  seller: (d) => ({ id: d.sellerId }),
  // Address fields are columns of the delivery row.
  address: (d) => d,
};

export const Refund: RefundResolvers = {
  lines: (r, _args, ctx) => ctx.loaders.refundLinesByRefund.load(r.id),
};
