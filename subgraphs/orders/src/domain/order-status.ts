import { conflict } from '../../../../shared/errors';
import type { OrderStatus } from '../data/orders';

/**
 * The one transition table of an order. FULFILLED and PARTIALLY_REFUNDED may still be
 * refunded (returns after delivery, a second partial refund).
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: ['PAID', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED'],
  PAID: ['FULFILLED', 'REFUNDED', 'PARTIALLY_REFUNDED'],
  FULFILLED: ['REFUNDED', 'PARTIALLY_REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDED', 'FULFILLED'],
  EXPIRED: [],
  CANCELLED: [],
  PAYMENT_FAILED: [],
  REFUNDED: [],
};

/**
 * Whether moving `from` → `to` changes anything: false for a move to the current state (a
 * no-op), true for a legal move; an illegal move is `CONFLICT`.
 */
export function transition(from: OrderStatus, to: OrderStatus): boolean {
  if (from === to) return false;
  if (!TRANSITIONS[from].includes(to)) throw conflict(`An order cannot go from ${from} to ${to}`);
  return true;
}

/** Statuses in which an order's units count as sold and may be refunded. */
export const REFUNDABLE: readonly OrderStatus[] = ['PAID', 'FULFILLED', 'PARTIALLY_REFUNDED'];
