import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  PAYMENT_FAILED,
  PAYMENT_SUCCEEDED,
  type CreatedPayment,
  type PaymentProvider,
  type ProviderEvent,
} from './provider';
import { signatureHeader } from './signature';

/**
 * The built-in provider (PAYMENT_PROVIDER=mock, the default). Payments are deterministic per
 * order; completing one is `simulate`, which does what a real provider does: it POSTs a signed
 * event to our webhook URL, so the whole path (signature, replay record, transition, OrderPaid)
 * runs as in production. Refunds always succeed.
 */
export class MockPaymentProvider implements PaymentProvider {
  readonly name = 'mock';

  constructor(
    private readonly options: {
      webhookSecret: string;
      /** Resolved lazily: by default it is derived from the port the service listens on. */
      webhookUrl: () => string | undefined;
    },
  ) {}

  async createPayment(input: { orderId: string }): Promise<CreatedPayment> {
    // Same order, same payment id: idempotent by construction.
    const digest = createHash('sha256').update(input.orderId).digest('hex').slice(0, 24);
    const providerPaymentId = `mock_pi_${digest}`;
    return { providerPaymentId, clientSecret: `${providerPaymentId}_secret_${randomBytes(12).toString('hex')}` };
  }

  async refund(input: { refundId: string }): Promise<{ providerRefundId: string }> {
    return { providerRefundId: `mock_re_${input.refundId.replace(/-/g, '')}` };
  }

  /** Sends the webhook for the payment's outcome and resolves with our endpoint's HTTP status. */
  async simulate(
    payment: { providerPaymentId: string; orderId: string; amountCents: number; currency: string },
    outcome: 'SUCCEEDED' | 'FAILED',
  ): Promise<number> {
    const url = this.options.webhookUrl();
    if (!url) throw new Error('mock payment provider: no webhook URL (the service is not listening yet)');
    const event: ProviderEvent = {
      id: `evt_mock_${randomUUID().replace(/-/g, '')}`,
      type: outcome === 'SUCCEEDED' ? PAYMENT_SUCCEEDED : PAYMENT_FAILED,
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: payment.providerPaymentId,
          amount: payment.amountCents,
          currency: payment.currency.toLowerCase(),
          metadata: { orderId: payment.orderId },
        },
      },
    };
    const body = JSON.stringify(event);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signatureHeader(this.options.webhookSecret, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.status;
  }
}
