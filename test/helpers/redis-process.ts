/**
 * A redis-server of a fault test's own, on a free port, that the test stops and starts again
 * on the same port. Like the test runs' Redis it keeps nothing on disk, so a restart loses
 * every key, stream and consumer group, as a real Redis without persistence does.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

/** Is a `redis-server` binary on the PATH (CI has one: it runs the suite's Redis)? */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

export interface RedisProcess {
  url: string;
  port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedisProcess(port?: number): Promise<RedisProcess> {
  const listening = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(listening), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${listening}`,
    port: listening,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
