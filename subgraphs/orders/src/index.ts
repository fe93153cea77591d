import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { paymentSettings } from './settings';
import { startWorkers } from './workers';

runSubgraph('orders', {
  extras: (config) => ({ payments: paymentSettings(config) }),
  createServer,
  startWorkers,
});
