import { runSubgraph } from '../../../shared/service';
import { createServer } from './server';
import { gamificationSettings } from './settings';
import { startWorkers } from './workers';

runSubgraph('gamification', {
  extras: (config) => ({ settings: gamificationSettings(config) }),
  createServer,
  startWorkers,
});
