import DataLoader from 'dataloader';
import type { Db } from '../../../shared/db';
import * as catalog from './data/catalog';
import * as inventory from './data/inventory';
import * as orders from './data/orders';
import { isUuid } from './domain/validation';

/** One row per key, in key order (`null` when missing); invalid ids are simply missing. */
function byId<T extends { id: string }>(fetch: (ids: string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    const rows = valid.length ? await fetch(valid) : [];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
}

/** Every row whose `key` is the loaded id, per id, in key order. */
function groupedBy<T>(fetch: (ids: string[]) => Promise<T[]>, key: keyof T) {
  return new DataLoader<string, T[]>(async (ids) => {
    const rows = await fetch([...ids]);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const k = String(row[key]);
      groups.set(k, [...(groups.get(k) ?? []), row]);
    }
    return ids.map((id) => groups.get(id) ?? []);
  });
}

/** Per-request loaders: one SQL query per batch. */
export function createLoaders(db: Db) {
  return {
    productById: byId((ids) => catalog.findProductsByIds(db, ids)),
    categoryById: byId((ids) => catalog.findCategoriesByIds(db, ids)),
    childCategories: groupedBy((ids) => catalog.findChildCategories(db, ids), 'parentId'),
    warehouseById: byId((ids) => catalog.findWarehousesByIds(db, ids)),
    stockByProduct: groupedBy((ids) => inventory.findStockByProducts(db, ids), 'productId'),
    ticketTypeById: byId((ids) => inventory.findTicketTypes(db, ids)),
    ticketTypesByEvent: groupedBy((ids) => inventory.findTicketTypesOfEvents(db, ids), 'eventId'),
    orderById: byId((ids) => orders.findOrdersByIds(db, ids)),
    linesByOrder: groupedBy((ids) => orders.findLinesByOrderIds(db, ids), 'orderId'),
    paymentByOrder: groupedBy((ids) => orders.findPaymentsByOrderIds(db, ids), 'orderId'),
    deliveriesByOrder: groupedBy((ids) => orders.findDeliveriesByOrderIds(db, ids), 'orderId'),
    refundsByOrder: groupedBy((ids) => orders.findRefundsByOrderIds(db, ids), 'orderId'),
    refundLinesByRefund: groupedBy((ids) => orders.findRefundLines(db, ids), 'refundId'),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
