import { runSubgraph } from '../../../shared/service';
import { loadQrSigningKeys } from './domain/qr';
import { createServer } from './server';
import { startWorkers } from './workers';

runSubgraph('tickets', {
  extras: (config) => ({
    qrKeys: loadQrSigningKeys({ json: config.QR_SIGNING_KEYS, file: config.QR_SIGNING_KEYS_FILE }),
  }),
  createServer,
  startWorkers,
});
