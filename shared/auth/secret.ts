import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of the subgraph secret a caller sent with the expected one. */
export function secretMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
