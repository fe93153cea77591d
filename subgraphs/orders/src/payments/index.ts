import type { PaymentSettings } from '../settings';
import { MockPaymentProvider } from './mock';
import type { PaymentProvider } from './provider';

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
