/**
 * The two per-request DataLoader shapes every subgraph uses. One key rule for both: keys are
 * entity ids (UUIDs), compared lower-cased; a key that is not a UUID is simply missing (it
 * never reaches SQL). Each batch is one data-layer call, and every key gets exactly one
 * result, in key order.
 */
import DataLoader from 'dataloader';
import { isUuid } from './validation';

function normalise(keys: readonly string[]): string[] {
  return [...new Set(keys.filter(isUuid).map((k) => k.toLowerCase()))];
}

/** One row per id (`null` when missing). `fetch` receives distinct, valid, lower-cased ids. */
export function byId<T extends { id: string }>(fetch: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const ids = normalise(keys);
    const rows = ids.length ? await fetch(ids) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return keys.map((key) => found.get(key.toLowerCase()) ?? null);
  });
}

/** Every row whose `keyOf(row)` is the id, per id (empty when none), in the rows' order. */
export function groupedBy<T>(
  fetch: (ids: string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const ids = normalise(keys);
    const rows = ids.length ? await fetch(ids) : [];
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key.toLowerCase()) ?? []);
  });
}
