import type { Db } from '../../../shared/db';
import { byId, groupedBy } from '../../../shared/loaders';
import * as catalog from './data/catalog';
import * as inventory from './data/inventory';
import * as orders from './data/orders';

/** Per-request loaders: one SQL query per batch. */
export function createLoaders(db: Db) {
  return {
    productById: byId((ids) => catalog.findProductsByIds(db, ids)),
    categoryById: byId((ids) => catalog.findCategoriesByIds(db, ids)),
    childCategories: groupedBy(
      (ids) => catalog.findChildCategories(db, ids),
      (c) => c.parentId!,
    ),
    warehouseById: byId((ids) => catalog.findWarehousesByIds(db, ids)),
    stockByProduct: groupedBy(
      (ids) => inventory.findStockByProducts(db, ids),
      (s) => s.productId,
    ),
    ticketTypeById: byId((ids) => inventory.findTicketTypes(db, ids)),
    ticketTypesByEvent: groupedBy(
      (ids) => inventory.findTicketTypesOfEvents(db, ids),
      (t) => t.eventId,
    ),
    orderById: byId((ids) => orders.findOrdersByIds(db, ids)),
    linesByOrder: groupedBy(
      (ids) => orders.findLinesByOrderIds(db, ids),
      (l) => l.orderId,
    ),
    paymentByOrder: groupedBy(
      (ids) => orders.findPaymentsByOrderIds(db, ids),
      (p) => p.orderId,
    ),
    deliveriesByOrder: groupedBy(
      (ids) => orders.findDeliveriesByOrderIds(db, ids),
      (d) => d.orderId,
    ),
    refundsByOrder: groupedBy(
      (ids) => orders.findRefundsByOrderIds(db, ids),
      (r) => r.orderId,
    ),
    refundLinesByRefund: groupedBy(
      (ids) => orders.findRefundLines(db, ids),
      (l) => l.refundId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
