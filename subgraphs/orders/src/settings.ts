import { ConfigError, type Config } from '../../../shared/config';

/**
 * The orders service's own settings, parsed from the common `Config` (shared/config.ts holds
 * the schema of the environment variables: PAYMENT_PROVIDER, PAYMENT_WEBHOOK_SECRET,
 * PAYMENT_WEBHOOK_URL, ORDER_HOLD_MINUTES).
 */

/** The webhook secret used outside production when PAYMENT_WEBHOOK_SECRET is not set. Never in production. */
export const DEV_PAYMENT_WEBHOOK_SECRET = 'whsec_development_only_0123456789';

/** What the orders subgraph needs to take payments. */
export interface PaymentSettings {
  provider: 'mock';
  webhookSecret: string;
  /** Undefined: derived from the orders service's listening address. */
  webhookUrl?: string;
  holdMinutes: number;
  /** `simulatePayment` works only with the mock provider, and never in production. */
  simulationEnabled: boolean;
}

/** Settings when the deps carry none (tests): the mock provider, the dev secret, 15-minute holds. */
export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  provider: 'mock',
  webhookSecret: DEV_PAYMENT_WEBHOOK_SECRET,
  holdMinutes: 15,
  simulationEnabled: true,
};

/** The payment settings of this process; a production process without PAYMENT_WEBHOOK_SECRET stops here. */
export function paymentSettings(config: Config): PaymentSettings {
  if (config.isProduction && !config.PAYMENT_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid environment:\n  PAYMENT_WEBHOOK_SECRET: required by the orders subgraph in production',
    );
  }
  return {
    provider: config.PAYMENT_PROVIDER,
    webhookSecret: config.PAYMENT_WEBHOOK_SECRET ?? DEV_PAYMENT_WEBHOOK_SECRET,
    webhookUrl: config.PAYMENT_WEBHOOK_URL,
    holdMinutes: config.ORDER_HOLD_MINUTES,
    simulationEnabled: config.PAYMENT_PROVIDER === 'mock' && !config.isProduction,
  };
}
