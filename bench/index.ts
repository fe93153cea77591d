import checkin from './checkin';
import subscriptions from './subscriptions';
import checkout from './checkout';
import delivery from './delivery';
import flood from './flood';
import gateway from './gateway';
import leaderboard from './leaderboard';
import receipts from './receipts';
import reports from './reports';

/**
 * `npm run bench -- <name> [options]`: runs one benchmark against a stack of its own (real
 * subgraphs and gateway on a fresh database, as the tests build it). A benchmark is a module
 * whose default export takes the remaining arguments; add yours to BENCHMARKS.
 */
const BENCHMARKS: Record<string, (args: string[]) => Promise<void>> = {
  checkin,
  checkout,
  delivery,
  flood,
  gateway,
  leaderboard,
  receipts,
  reports,
  subscriptions,
};

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const run = name ? BENCHMARKS[name] : undefined;
  if (!run) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join(' | ')}> [options]`);
    return 64;
  }
  await run(args);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
