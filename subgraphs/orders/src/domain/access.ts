import { isAdmin, isSelf, isSelfOrAdmin } from '../../../../shared/auth/viewer';
import type { Viewer } from '../../../../shared/auth/tokens';
import { forbidden } from '../../../../shared/errors';

/**
 * Who may see and change what in the orders domain: pure functions on the verified viewer
 * (null when anonymous). Resolvers, shield rules and services ask these; none decides on its own.
 *
 * - The catalog is public, except ARCHIVED products: their seller and ADMIN only.
 * - A product is managed (edited, restocked, its stock read) by its seller and ADMIN.
 * - An order is seen by its buyer, ADMIN, and the sellers of its lines; a seller who is not
 *   the buyer sees only their own lines and their own delivery.
 * - The buyer (or ADMIN) acts on an order as a whole: cancels it, completes its payment.
 * - A delivery is advanced by its seller (or ADMIN).
 */
type MaybeViewer = Viewer | null | undefined;

export function canSeeProduct(viewer: MaybeViewer, product: { sellerId: string; status: string }): boolean {
  return product.status !== 'ARCHIVED' || isSelfOrAdmin(viewer, product.sellerId);
}

/** May the viewer list ARCHIVED products of `sellerId` (undefined: of every seller)? */
export function canListArchived(viewer: MaybeViewer, sellerId: string | undefined): boolean {
  return isAdmin(viewer) || (!!sellerId && isSelf(viewer, sellerId));
}

export function managesProduct(viewer: MaybeViewer, product: { sellerId: string }): boolean {
  return isSelfOrAdmin(viewer, product.sellerId);
}

/** The audience of an order, from its buyer and its lines' sellers (what an `orderUpdated` event carries). */
export function isOrderAudience(viewer: MaybeViewer, order: { buyerId: string; sellerIds: string[] }): boolean {
  return isSelfOrAdmin(viewer, order.buyerId) || order.sellerIds.some((sellerId) => isSelf(viewer, sellerId));
}

export function canSeeOrder(viewer: MaybeViewer, order: { buyerId: string }, lines: { sellerId: string }[]): boolean {
  return isOrderAudience(viewer, { buyerId: order.buyerId, sellerIds: lines.map((l) => l.sellerId) });
}

/** The refusal of `orderUpdated` to anyone else (a missing order gets it too: existence is not disclosed). */
export const cannotFollowOrder = () =>
  forbidden('Only its buyer, the sellers of its lines and ADMIN may follow this order');

/** Whether the viewer sees all of an order (buyer, ADMIN) or only what they sold. */
function seesWholeOrder(viewer: MaybeViewer, order: { buyerId: string }): boolean {
  return isSelfOrAdmin(viewer, order.buyerId);
}

/** The lines of an order the viewer (who reached the order) sees. */
export function visibleLines<L extends { sellerId: string }>(
  viewer: MaybeViewer,
  order: { buyerId: string },
  lines: L[],
): L[] {
  return seesWholeOrder(viewer, order) ? lines : lines.filter((l) => isSelf(viewer, l.sellerId));
}

/** The deliveries of an order the viewer (who reached the order) sees: a seller only their own. */
export function visibleDeliveries<D extends { sellerId: string }>(
  viewer: MaybeViewer,
  order: { buyerId: string },
  deliveries: D[],
): D[] {
  return seesWholeOrder(viewer, order) ? deliveries : deliveries.filter((d) => isSelf(viewer, d.sellerId));
}

/** Cancelling an order and completing its payment: its buyer, or ADMIN. */
export function actsForBuyer(viewer: MaybeViewer, order: { buyerId: string }): boolean {
  return isSelfOrAdmin(viewer, order.buyerId);
}

export function managesDelivery(viewer: MaybeViewer, delivery: { sellerId: string }): boolean {
  return isSelfOrAdmin(viewer, delivery.sellerId);
}

/**
 * The lines of an order the viewer may refund: ADMIN any, a seller those they sold. Undefined
 * means every line (ADMIN).
 */
export function refundableLineIds(
  viewer: MaybeViewer,
  lines: { id: string; sellerId: string }[],
): Set<string> | undefined {
  if (isAdmin(viewer)) return undefined;
  return new Set(lines.filter((l) => isSelf(viewer, l.sellerId)).map((l) => l.id));
}

/** May the viewer read the client secret of this order's payment? Its buyer only. */
export function canSeeClientSecret(viewer: MaybeViewer, order: { buyerId: string } | null): boolean {
  return !!order && isSelf(viewer, order.buyerId);
}
