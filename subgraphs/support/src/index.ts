import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { supportSettings } from './settings';
import { startWorkers } from './workers';

runSubgraph('support', {
  extras: (config) => ({ settings: supportSettings(config) }),
  createServer,
  startWorkers,
});
