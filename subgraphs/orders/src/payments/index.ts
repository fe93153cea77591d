import { DEV_PAYMENT_WEBHOOK_SECRET, type PaymentSettings } from '../../../../shared/config';
import { MockPaymentProvider } from './mock';
import type { PaymentProvider } from './provider';

/** Settings when the deps carry none (tests): the mock provider, the dev secret, 15-minute holds. */
export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  provider: 'mock',
  webhookSecret: DEV_PAYMENT_WEBHOOK_SECRET,
  holdMinutes: 15,
  simulationEnabled: true,
};

/** The configured provider; `webhookUrl` is read when the mock sends a webhook. */
export function createProvider(
  settings: PaymentSettings,
  webhookUrl: () => string | undefined,
): PaymentProvider & Partial<Pick<MockPaymentProvider, 'simulate'>> {
  switch (settings.provider) {
    case 'mock':
      return new MockPaymentProvider({
        webhookSecret: settings.webhookSecret,
        webhookUrl: () => settings.webhookUrl ?? webhookUrl(),
      });
  }
}
