import { paymentSettings } from '../../../shared/config';
import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { startWorkers } from './workers';

runSubgraph('orders', 4003, {
  extras: (config) => ({ payments: paymentSettings(config) }),
  createServer,
  startWorkers,
});
