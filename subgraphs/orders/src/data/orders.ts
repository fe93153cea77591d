import type {
  Delivery,
  Order,
  OrderLine,
  OrderStatus,
  Payment,
  Prisma,
  Refund,
  RefundLine,
  WebhookEvent,
  WebhookOutcome,
} from '../../../../prisma/generated/prisma/client';
import { isUniqueViolation, type Db, type Tx } from '../../../../shared/db';

/** Data access for orders, their lines, payments, webhook events, deliveries and refunds. */
export type { Delivery, Order, OrderLine, OrderStatus, Payment, Refund, RefundLine, WebhookEvent, WebhookOutcome };

/** Thrown by `createOrder` when the buyer already used this idempotency key. */
export class DuplicateIdempotencyKey extends Error {}

/**
 * Inserts the order row. Inside a checkout transaction this comes first: a concurrent checkout
 * with the same (buyer, key) waits on the unique index until this one ends, then fails here.
 */
export async function createOrder(
  tx: Tx,
  data: {
    buyerId: string;
    currency: string;
    totalCents: number;
    idempotencyKey: string;
    requestHash: string;
    expiresAt: Date;
  },
): Promise<Order> {
  try {
    return await tx.order.create({ data });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateIdempotencyKey(data.idempotencyKey);
    throw err;
  }
}

export function createLines(tx: Tx, lines: Prisma.OrderLineCreateManyInput[]): Promise<OrderLine[]> {
  return tx.orderLine.createManyAndReturn({ data: lines });
}

export function findOrderByKey(db: Db | Tx, buyerId: string, idempotencyKey: string): Promise<Order | null> {
  return db.order.findUnique({ where: { buyerId_idempotencyKey: { buyerId, idempotencyKey } } });
}

export function findOrdersByIds(db: Db | Tx, ids: readonly string[]): Promise<Order[]> {
  return db.order.findMany({ where: { id: { in: [...ids] } } });
}

/** Locks the order row for the rest of the transaction (the first lock of any order change). */
export async function lockOrder(tx: Tx, id: string): Promise<Order | null> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id::text FROM orders.orders WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length ? tx.order.findUnique({ where: { id } }) : null;
}

/**
 * Locks up to `limit` unpaid orders whose holds have lapsed, skipping rows another instance
 * holds: several expiry workers share the work without waiting on each other.
 */
export async function lockExpiredOrders(tx: Tx, now: Date, limit: number): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM orders.orders
    WHERE status = 'PENDING_PAYMENT' AND expires_at <= ${now}
    ORDER BY expires_at, id LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => r.id);
}

/** Paid orders (and unpaid ones, with `statuses`) holding lines of an event, by id. */
export async function orderIdsWithEvent(tx: Tx, eventId: string, statuses: OrderStatus[]): Promise<string[]> {
  const rows = await tx.order.findMany({
    where: { status: { in: statuses }, lines: { some: { eventId } } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => r.id);
}

export function updateOrder(tx: Tx, id: string, data: Prisma.OrderUncheckedUpdateInput): Promise<Order> {
  return tx.order.update({ where: { id }, data });
}

export function findLinesByOrderIds(db: Db | Tx, orderIds: readonly string[]): Promise<OrderLine[]> {
  return db.orderLine.findMany({
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ orderId: 'asc' }, { id: 'asc' }],
  });
}

export async function addRefundedQuantity(tx: Tx, lineId: string, quantity: number): Promise<void> {
  await tx.orderLine.update({ where: { id: lineId }, data: { refundedQuantity: { increment: quantity } } });
}

/** Orders in (createdAt, id) descending order; `sellerId` narrows to orders with that seller's lines. */
export function listOrders(
  db: Db | Tx,
  filter: { buyerId?: string; sellerId?: string },
  after: { createdAt: Date; id: string } | undefined,
  take: number,
): Promise<Order[]> {
  const where: Prisma.OrderWhereInput = {
    ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
    ...(filter.sellerId ? { lines: { some: { sellerId: filter.sellerId } } } : {}),
  };
  return db.order.findMany({
    where: after
      ? {
          AND: [
            where,
            { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
          ],
        }
      : where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
}

export function countOrders(db: Db | Tx, filter: { buyerId?: string; sellerId?: string }): Promise<number> {
  return db.order.count({
    where: {
      ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
      ...(filter.sellerId ? { lines: { some: { sellerId: filter.sellerId } } } : {}),
    },
  });
}

// Payments

/** Records the provider's payment once per order; a concurrent second call gets the first row. */
export async function savePayment(
  db: Db | Tx,
  data: {
    orderId: string;
    provider: string;
    providerPaymentId: string;
    amountCents: number;
    currency: string;
    clientSecret: string;
  },
): Promise<Payment> {
  try {
    return await db.payment.create({ data });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return (await db.payment.findUnique({ where: { orderId: data.orderId } }))!;
  }
}

export function findPaymentsByOrderIds(db: Db | Tx, orderIds: readonly string[]): Promise<Payment[]> {
  return db.payment.findMany({ where: { orderId: { in: [...orderIds] } } });
}

export function findPaymentByProviderId(db: Db | Tx, providerPaymentId: string): Promise<Payment | null> {
  return db.payment.findUnique({ where: { providerPaymentId } });
}

export function updatePayment(tx: Tx, id: string, data: Prisma.PaymentUncheckedUpdateInput): Promise<Payment> {
  return tx.payment.update({ where: { id }, data });
}

// Webhook events

/**
 * Records a provider event by its id. false: it was recorded before (a replay). A concurrent
 * delivery of the same id waits here until the first transaction ends, then sees it recorded.
 */
export async function recordWebhookEvent(
  tx: Tx,
  e: { id: string; provider: string; type: string; payload: unknown },
): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO orders.webhook_events (id, provider, type, outcome, payload, received_at)
    VALUES (${e.id}, ${e.provider}, ${e.type}, 'IGNORED', ${JSON.stringify(e.payload)}::jsonb, now())
    ON CONFLICT (id) DO NOTHING`;
  return inserted === 1;
}

export function findWebhookEvent(db: Db | Tx, id: string): Promise<WebhookEvent | null> {
  return db.webhookEvent.findUnique({ where: { id } });
}

export async function setWebhookOutcome(
  tx: Tx,
  id: string,
  outcome: WebhookOutcome,
  reason: string | null,
  orderId: string | null,
): Promise<void> {
  await tx.webhookEvent.update({ where: { id }, data: { outcome, reason, orderId } });
}

// Deliveries

export function createDeliveries(tx: Tx, data: Prisma.DeliveryCreateManyInput[]): Promise<unknown> {
  return tx.delivery.createMany({ data });
}

export function findDeliveriesByOrderIds(db: Db | Tx, orderIds: readonly string[]): Promise<Delivery[]> {
  return db.delivery.findMany({
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export function findDeliveryById(db: Db | Tx, id: string): Promise<Delivery | null> {
  return db.delivery.findUnique({ where: { id } });
}

/** Locks a delivery for an update (after its order: see data/inventory.ts for the lock order). */
export async function lockDelivery(tx: Tx, id: string): Promise<Delivery | null> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id::text FROM orders.deliveries WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length ? tx.delivery.findUnique({ where: { id } }) : null;
}

export function updateDelivery(tx: Tx, id: string, data: Prisma.DeliveryUncheckedUpdateInput): Promise<Delivery> {
  return tx.delivery.update({ where: { id }, data });
}

// Refunds

export function createRefund(
  tx: Tx,
  data: {
    orderId: string;
    amountCents: number;
    currency: string;
    reason: string;
    actorId: string | null;
    lines: { orderLineId: string; quantity: number }[];
  },
): Promise<Refund> {
  const { lines, ...refund } = data;
  return tx.refund.create({ data: { ...refund, lines: { createMany: { data: lines } } } });
}

export function findRefundsByOrderIds(db: Db | Tx, orderIds: readonly string[]): Promise<Refund[]> {
  return db.refund.findMany({
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export function findRefundLines(db: Db | Tx, refundIds: readonly string[]): Promise<RefundLine[]> {
  return db.refundLine.findMany({ where: { refundId: { in: [...refundIds] } } });
}

/** Locks up to `limit` refunds the provider has not been told about, skipping those another instance holds. */
export async function lockPendingRefunds(tx: Tx, limit: number, onlyId?: string): Promise<Refund[]> {
  const rows = onlyId
    ? await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM orders.refunds WHERE id = ${onlyId}::uuid AND status = 'PENDING' FOR UPDATE SKIP LOCKED`
    : await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM orders.refunds WHERE status = 'PENDING' ORDER BY created_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  return rows.length ? tx.refund.findMany({ where: { id: { in: rows.map((r) => r.id) } } }) : [];
}

export function updateRefund(tx: Tx, id: string, data: Prisma.RefundUncheckedUpdateInput): Promise<Refund> {
  return tx.refund.update({ where: { id }, data });
}
