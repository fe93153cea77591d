import type { RefundResolvers } from '../__generated__/resolvers-types';

export const Refund: RefundResolvers = {
  lines: (r, _args, ctx) => ctx.loaders.refundLinesByRefund.load(r.id),
};
