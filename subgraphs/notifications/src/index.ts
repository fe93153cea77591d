import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { mailSettings } from './settings';
import { startWorkers } from './workers';

runSubgraph('notifications', {
  extras: (config) => ({ mail: mailSettings(config) }),
  createServer,
  startWorkers,
});
