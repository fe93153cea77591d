import { inTransaction, type Db, type Tx } from '../../../../shared/db';
import type { Logger } from '../../../../shared/logger';
import * as orders from '../data/orders';
import { PAYMENT_FAILED, PAYMENT_SUCCEEDED, type PaymentProvider, type ProviderEvent } from '../payments/provider';
import { verifySignature } from '../payments/signature';
import type { OrdersRealtime } from '../realtime';
import { closeUnpaid, markPaid } from './order-flows';

export interface WebhookResult {
  status: 200 | 400;
  body: { received: boolean; outcome?: orders.WebhookOutcome; replayed?: boolean; error?: string };
}

export interface PaymentServiceDeps {
  db: Db;
  provider: PaymentProvider;
  webhookSecret: string;
  logger: Logger;
  realtime: OrdersRealtime;
  now?: () => Date;
}

/**
 * The provider's side of orders: the signed webhook that pays or fails orders, and settling
 * refunds with the provider.
 */
export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Handles one webhook delivery. An invalid signature changes nothing (400). A valid event is
   * recorded by its id in the same transaction as its effect, so a replay (however many, even
   * concurrent) finds the record and changes nothing; it gets the first delivery's answer.
   * Unknown payments and wrong amounts are recorded as REJECTED and answered 400. An applied
   * event is announced to the order's subscribers once committed.
   */
  async handleWebhook(rawBody: Buffer, signature: string | undefined): Promise<WebhookResult> {
    const check = verifySignature(this.deps.webhookSecret, signature, rawBody, this.now());
    if (!check.ok) return { status: 400, body: { received: false, error: `signature ${check.reason}` } };
    const event = parseEvent(rawBody);
    if (!event) return { status: 400, body: { received: false, error: 'not a payment event' } };

    const { result, changedOrderId } = await inTransaction(this.deps.db, async (tx) => {
      if (
        !(await orders.recordWebhookEvent(tx, {
          id: event.id,
          provider: this.deps.provider.name,
          type: event.type,
          payload: event,
        }))
      ) {
        const recorded = (await orders.findWebhookEvent(tx, event.id))!;
        const replay: WebhookResult = {
          status: recorded.outcome === 'REJECTED' ? 400 : 200,
          body: { received: true, outcome: recorded.outcome, replayed: true },
        };
        return { result: replay, changedOrderId: null };
      }
      const { outcome, reason, orderId } = await this.apply(tx, event);
      await orders.setWebhookOutcome(tx, event.id, outcome, reason, orderId);
      if (outcome === 'REJECTED') this.deps.logger.warn('payment webhook rejected', { eventId: event.id, reason });
      const answer: WebhookResult = {
        status: outcome === 'REJECTED' ? 400 : 200,
        body: { received: true, outcome, ...(outcome === 'REJECTED' && reason ? { error: reason } : {}) },
      };
      return { result: answer, changedOrderId: outcome === 'APPLIED' ? orderId : null };
    });
    if (changedOrderId) await this.deps.realtime.ordersChanged([changedOrderId], { counters: true });
    return result;
  }

  private async apply(
    tx: Tx,
    event: ProviderEvent,
  ): Promise<{ outcome: orders.WebhookOutcome; reason: string | null; orderId: string | null }> {
    if (event.type !== PAYMENT_SUCCEEDED && event.type !== PAYMENT_FAILED) {
      return { outcome: 'IGNORED', reason: `unhandled event type ${event.type}`, orderId: null };
    }
    const intent = event.data.object;
    const payment = await orders.findPaymentByProviderId(tx, intent.id);
    if (!payment || (intent.metadata?.orderId && intent.metadata.orderId !== payment.orderId)) {
      return { outcome: 'REJECTED', reason: 'unknown payment or order', orderId: null };
    }
    const order = (await orders.lockOrder(tx, payment.orderId))!;
    if (intent.amount !== payment.amountCents || intent.currency.toUpperCase() !== payment.currency) {
      return {
        outcome: 'REJECTED',
        reason: `amount ${intent.amount} ${intent.currency} does not match ${payment.amountCents} ${payment.currency}`,
        orderId: order.id,
      };
    }
    const now = this.now();
    if (event.type === PAYMENT_SUCCEEDED) {
      if (order.status !== 'PENDING_PAYMENT') {
        // Already paid: a second event for the same payment. Otherwise the order expired or was
        // cancelled first and the money must be returned by an operator (see the report).
        return { outcome: 'IGNORED', reason: `order is ${order.status}`, orderId: order.id };
      }
      await markPaid(tx, order, now);
      await orders.updatePayment(tx, payment.id, { status: 'SUCCEEDED' });
      return { outcome: 'APPLIED', reason: null, orderId: order.id };
    }
    if (order.status !== 'PENDING_PAYMENT')
      return { outcome: 'IGNORED', reason: `order is ${order.status}`, orderId: order.id };
    await closeUnpaid(tx, order, 'PAYMENT_FAILED', { reason: 'payment failed', actorId: null, now });
    await orders.updatePayment(tx, payment.id, { status: 'FAILED' });
    return { outcome: 'APPLIED', reason: null, orderId: order.id };
  }

  /**
   * Tells the provider about recorded refunds (all pending ones, or just `refundId`). Each is
   * locked while the provider is called (SKIP LOCKED: instances share the work), and the
   * provider is idempotent by refund id, so a crash between its answer and our commit only
   * repeats a call that changes nothing.
   */
  async settleRefunds(limit = 20, refundId?: string): Promise<number> {
    return inTransaction(this.deps.db, async (tx) => {
      const pending = await orders.lockPendingRefunds(tx, limit, refundId);
      for (const refund of pending) {
        const [payment] = await orders.findPaymentsByOrderIds(tx, [refund.orderId]);
        try {
          const { providerRefundId } = await this.deps.provider.refund({
            refundId: refund.id,
            providerPaymentId: payment!.providerPaymentId,
            amountCents: refund.amountCents,
            currency: refund.currency,
          });
          await orders.updateRefund(tx, refund.id, { status: 'SUCCEEDED', providerRefundId });
        } catch (err) {
          this.deps.logger.error('refund failed at the provider', {
            refundId: refund.id,
            error: (err as Error).message,
          });
          await orders.updateRefund(tx, refund.id, { status: 'FAILED' });
        }
      }
      return pending.length;
    });
  }
}

/** The fields we rely on, checked; anything else in the event is kept as it came. */
function parseEvent(rawBody: Buffer): ProviderEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const e = parsed as Partial<ProviderEvent> | null;
  const o = e?.data?.object;
  if (
    typeof e?.id !== 'string' ||
    e.id.length === 0 ||
    e.id.length > 200 ||
    typeof e.type !== 'string' ||
    typeof o?.id !== 'string' ||
    !Number.isInteger(o.amount) ||
    typeof o.currency !== 'string'
  ) {
    return undefined;
  }
  return e as ProviderEvent;
}
