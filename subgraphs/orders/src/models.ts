import type { CartLine, Order, Payment } from '../../../prisma/generated/prisma/client';

/** An entity owned by another subgraph: orders knows (and returns) only its key. */
export interface EntityRef {
  id: string;
}

/** `User.cart`: the owner and their lines, oldest first. */
export interface CartModel {
  userId: string;
  lines: CartLine[];
}

/** `checkout`'s answer. */
export interface CheckoutResult {
  order: Order;
  payment: Payment | null;
}
