import express, { type Express } from 'express';
import { pubsubFor } from '../../../shared/realtime/pubsub';
import { readSubgraphSdl } from '../../../shared/schema';
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '../../../shared/subgraph';
import type { Context } from './context';
import { CartService } from './domain/cart-service';
import { CatalogService } from './domain/catalog-service';
import { CheckoutService } from './domain/checkout-service';
import { OrderService } from './domain/order-service';
import { PaymentService } from './domain/payment-service';
import { createLoaders } from './loaders';
import { createProvider } from './payments';
import { MockPaymentProvider } from './payments/mock';
import { SIGNATURE_HEADER } from './payments/signature';
import { permissions, referenceRules } from './permissions';
import { OrdersRealtime } from './realtime';
import { resolvers } from './resolvers';
import { DEFAULT_PAYMENT_SETTINGS, type PaymentSettings } from './settings';

/** The webhook path on this service; the mock provider posts here by default. */
const WEBHOOK_PATH = '/webhooks/payments';

export interface OrdersDeps extends SubgraphDeps {
  /** From `paymentSettings(config)`; tests leave it out and get `DEFAULT_PAYMENT_SETTINGS`. */
  payments?: PaymentSettings;
}

/**
 * The orders subgraph: catalog, carts, checkout with holds, payments (the signed webhook at
 * `POST /webhooks/payments`), deliveries and refunds. Tests start it on port 0.
 */
export async function createServer(deps: OrdersDeps): Promise<SubgraphServer> {
  const settings = deps.payments ?? DEFAULT_PAYMENT_SETTINGS;
  // Known once listening: the mock provider posts webhooks to our own address by default.
  let ownWebhookUrl: string | undefined;
  const provider = createProvider(settings, () => ownWebhookUrl);
  const realtime = new OrdersRealtime({ db: deps.db, pubsub: pubsubFor(deps), logger: deps.logger });
  const payments = new PaymentService({
    db: deps.db,
    provider,
    webhookSecret: settings.webhookSecret,
    logger: deps.logger,
    realtime,
    now: deps.now,
  });
  const catalog = new CatalogService({ db: deps.db });
  const carts = new CartService({ db: deps.db });
  const checkout = new CheckoutService({
    db: deps.db,
    provider,
    holdMinutes: settings.holdMinutes,
    realtime,
    now: deps.now,
  });
  const orders = new OrderService({
    db: deps.db,
    payments,
    simulator: settings.simulationEnabled && provider instanceof MockPaymentProvider ? provider : undefined,
    realtime,
    now: deps.now,
  });

  const server = await createSubgraphServer<Context>({
    name: 'orders',
    typeDefs: readSubgraphSdl('orders'),
    resolvers,
    permissions,
    referenceRules,
    deps,
    routes(app: Express) {
      // The provider calls this directly (not through the gateway, no subgraph secret): the
      // signature is its authentication. The RAW body is what is signed, so no JSON parser here.
      app.post(WEBHOOK_PATH, express.raw({ type: '*/*', limit: '256kb' }), async (req, res) => {
        try {
          const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const result = await payments.handleWebhook(raw, req.header(SIGNATURE_HEADER));
          res.status(result.status).json(result.body);
        } catch (err) {
          deps.logger.error('payment webhook failed', { error: (err as Error).message });
          // 5xx: the provider retries later; nothing was recorded (the transaction rolled back).
          res.status(500).json({ received: false });
        }
      });
    },
    renewContext: (ctx) => {
      ctx.loaders = createLoaders(deps.db);
    },
    createContext: (base) => ({
      ...base,
      loaders: createLoaders(deps.db),
      catalog,
      carts,
      checkout,
      orders,
      simulationEnabled: settings.simulationEnabled,
    }),
  });

  return {
    ...server,
    async listen(port, host) {
      const running = await server.listen(port, host);
      ownWebhookUrl = new URL(WEBHOOK_PATH, running.url).toString();
      return running;
    },
  };
}
