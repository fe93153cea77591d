import type { CartResolvers } from '../__generated__/resolvers-types';

export const Cart: CartResolvers = {
  itemCount: (cart) => cart.lines.reduce((sum, l) => sum + l.quantity, 0),
};
