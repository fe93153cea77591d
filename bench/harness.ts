import globalSetup from '../test/globalSetup';
import globalTeardown from '../test/globalTeardown';
import { startStack, type Stack, type StackOptions } from '../test/helpers/stack';

/**
 * Runs `body` against a stack of its own, built like the tests' (a migrated database cloned
 * from the test template on the local Postgres, or an embedded one), and tears it all down.
 * Every service runs in this one process sharing one pool, sized like the five pools of 10 the
 * services hold when deployed.
 */
export async function withStack<T>(body: (stack: Stack) => Promise<T>, options: StackOptions = {}): Promise<T> {
  await globalSetup();
  const stack = await startStack({ poolMax: 50, ...options });
  try {
    return await body(stack);
  } finally {
    await stack.stop();
    await globalTeardown();
  }
}

/** `--name value` options of a benchmark, as positive integers with defaults. */
export function intOption(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** The value at quantile `q` (0..1) of sorted numbers. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
