/**
 * What orders needs from a payment provider. Implementations are idempotent by the key they
 * are given (the order id for payments, the refund id for refunds), so a retry after a crash
 * never charges or refunds twice.
 */
export interface CreatedPayment {
  providerPaymentId: string;
  /** Handed to the client, which completes the payment with the provider's SDK. */
  clientSecret: string;
}

export interface PaymentProvider {
  readonly name: string;
  createPayment(input: { orderId: string; amountCents: number; currency: string }): Promise<CreatedPayment>;
  refund(input: {
    refundId: string;
    providerPaymentId: string;
    amountCents: number;
    currency: string;
  }): Promise<{ providerRefundId: string }>;
}

/**
 * The provider events our webhook understands, in Stripe's shape (`payment_intent.*` with the
 * intent in `data.object`); anything else is recorded and ignored.
 */
export interface ProviderEvent {
  id: string;
  type: string;
  created?: number;
  data: {
    object: {
      id: string;
      amount: number;
      currency: string;
      metadata?: { orderId?: string };
    };
  };
}

export const PAYMENT_SUCCEEDED = 'payment_intent.succeeded';
export const PAYMENT_FAILED = 'payment_intent.payment_failed';
