import { rm } from 'node:fs/promises';
import { harness } from './globalSetup';

/** Stops the embedded Postgres globalSetup started, if any, and removes its files. */
export default async function globalTeardown(): Promise<void> {
  const embedded = harness.embedded;
  if (!embedded) return;
  harness.embedded = undefined;
  await embedded.server.stop();
  await rm(embedded.dir, { recursive: true, force: true });
}
