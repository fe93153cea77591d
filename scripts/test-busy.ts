/**
 * `npm run test:busy [-- <jest args>]`: the test suite with every core kept busy by other
 * processes, as on a loaded CI machine. Tests must pass like this: a failure here is a race in
 * the code or a deadline in a test that assumes an idle machine.
 *
 * One busy loop per core runs in a child process at normal priority for as long as jest runs;
 * they are killed when it ends, whatever the outcome.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

const BUSY = 'busy';

if (process.argv[2] === BUSY) {
  // The child: spin until killed.
  for (;;) Math.sqrt(Math.random());
}

const burners: ChildProcess[] = os.cpus().map(() => fork(__filename, [BUSY], { stdio: 'ignore' }));
const stopBurners = () => burners.forEach((b) => b.kill('SIGKILL'));
process.on('exit', stopBurners);

const started = Date.now();
const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
jest.on('exit', (code, signal) => {
  stopBurners();
  console.log(
    `\n[test:busy] ${burners.length} busy loops; jest ended with ${signal ?? code} after ${Math.round((Date.now() - started) / 1000)} s`,
  );
  process.exit(code ?? 1);
});
