import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '../../../shared/auth/tokens';
import {
  actsForBuyer,
  canListArchived,
  canSeeClientSecret,
  canSeeOrder,
  canSeeProduct,
  isOrderAudience,
  managesDelivery,
  managesProduct,
  refundableLineIds,
  visibleDeliveries,
  visibleLines,
} from '../src/domain/access';

const viewer = (roles: Role[] = ['CUSTOMER'], userId = randomUUID()): Viewer => ({
  userId,
  roles,
  sessionId: randomUUID(),
  expiresAt: new Date(Date.now() + 60_000),
});

const buyer = viewer();
const sellerA = viewer(['ORGANIZER']);
const sellerB = viewer(['ORGANIZER']);
const admin = viewer(['ADMIN']);
const stranger = viewer();
const order = { buyerId: buyer.userId };
const lines = [
  { id: 'l1', sellerId: sellerA.userId },
  { id: 'l2', sellerId: sellerB.userId },
];

describe('orders access rules', () => {
  test('products: ARCHIVED only for its seller and ADMIN; managed by the same', () => {
    const archived = { sellerId: sellerA.userId, status: 'ARCHIVED' };
    expect([sellerA, admin, sellerB, stranger, null].map((v) => canSeeProduct(v, archived))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(canSeeProduct(null, { ...archived, status: 'ACTIVE' })).toBe(true);
    expect([sellerA, admin, sellerB, null].map((v) => managesProduct(v, archived))).toEqual([true, true, false, false]);
    expect(canListArchived(sellerA, sellerA.userId)).toBe(true);
    expect(canListArchived(sellerA, undefined)).toBe(false);
    expect(canListArchived(sellerA, sellerB.userId)).toBe(false);
    expect(canListArchived(admin, undefined)).toBe(true);
  });

  test('orders: the buyer, ADMIN and the sellers of its lines; nobody else, nor an anonymous caller', () => {
    expect([buyer, admin, sellerA, sellerB, stranger, null].map((v) => canSeeOrder(v, order, lines))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(isOrderAudience(sellerA, { buyerId: buyer.userId, sellerIds: [sellerB.userId] })).toBe(false);
  });

  test('a seller who is not the buyer sees only their own lines and delivery', () => {
    expect(visibleLines(sellerA, order, lines).map((l) => l.id)).toEqual(['l1']);
    expect(visibleLines(buyer, order, lines)).toHaveLength(2);
    expect(visibleLines(admin, order, lines)).toHaveLength(2);
    expect(visibleDeliveries(sellerB, order, lines).map((d) => d.id)).toEqual(['l2']);
    expect(visibleDeliveries(buyer, order, lines)).toHaveLength(2);
  });

  test('the buyer (or ADMIN) acts on the order; the seller (or ADMIN) on their delivery', () => {
    expect([buyer, admin, sellerA, stranger].map((v) => actsForBuyer(v, order))).toEqual([true, true, false, false]);
    const delivery = { sellerId: sellerA.userId };
    expect([sellerA, admin, sellerB, buyer].map((v) => managesDelivery(v, delivery))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  test('refunds: ADMIN any line, a seller their own; the client secret to the buyer only', () => {
    expect(refundableLineIds(admin, lines)).toBeUndefined();
    expect([...refundableLineIds(sellerB, lines)!]).toEqual(['l2']);
    expect(refundableLineIds(stranger, lines)!.size).toBe(0);
    expect(canSeeClientSecret(buyer, order)).toBe(true);
    expect(canSeeClientSecret(admin, order)).toBe(false);
    expect(canSeeClientSecret(buyer, null)).toBe(false);
  });
});
