import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { reportsSettings } from './settings';
import { startWorkers } from './workers';

runSubgraph('reports', {
  extras: (config) => ({ settings: reportsSettings(config) }),
  createServer,
  startWorkers,
});
