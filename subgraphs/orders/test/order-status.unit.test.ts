import { REFUNDABLE, transition } from '../src/domain/order-status';

describe('order status transitions', () => {
  test.each([
    ['PENDING_PAYMENT', 'PAID'],
    ['PENDING_PAYMENT', 'EXPIRED'],
    ['PENDING_PAYMENT', 'CANCELLED'],
    ['PENDING_PAYMENT', 'PAYMENT_FAILED'],
    ['PAID', 'FULFILLED'],
    ['PAID', 'PARTIALLY_REFUNDED'],
    ['PAID', 'REFUNDED'],
    ['FULFILLED', 'PARTIALLY_REFUNDED'],
    ['PARTIALLY_REFUNDED', 'REFUNDED'],
    ['PARTIALLY_REFUNDED', 'FULFILLED'],
  ] as const)('%s → %s is a move', (from, to) => {
    expect(transition(from, to)).toBe(true);
  });

  test('a move to the current status changes nothing (false, no error)', () => {
    expect(transition('CANCELLED', 'CANCELLED')).toBe(false);
    expect(transition('PAID', 'PAID')).toBe(false);
  });

  test.each([
    ['PAID', 'PENDING_PAYMENT'],
    ['PAID', 'CANCELLED'],
    ['EXPIRED', 'PAID'],
    ['CANCELLED', 'PAID'],
    ['PAYMENT_FAILED', 'PAID'],
    ['REFUNDED', 'PARTIALLY_REFUNDED'],
    ['FULFILLED', 'PAID'],
  ] as const)('%s → %s is CONFLICT', (from, to) => {
    expect(() => transition(from, to)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT' }) }),
    );
  });

  test('refunds are possible exactly in the paid statuses', () => {
    expect([...REFUNDABLE].sort()).toEqual(['FULFILLED', 'PAID', 'PARTIALLY_REFUNDED']);
  });
});
