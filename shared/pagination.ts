import { badInput } from './errors';

/**
 * Cursor connections (`first/after`). Cursors are opaque base64url JSON of the sort key of the
 * last row, so a page stays stable while rows are inserted before it.
 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return n;
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`, checking it has the given string fields. */
export function decodeCursor<K extends string>(
  cursor: string | null | undefined,
  fields: K[],
): Record<K, string> | undefined {
  if (cursor == null) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (fields.every((f) => typeof parsed[f] === 'string')) return parsed as Record<K, string>;
  } catch {
    // fall through to the error below
  }
  throw badInput('after', 'after is not a cursor from this list');
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Builds a connection from `first + 1` fetched rows (the extra row only tells whether more follow). */
export function toConnection<T>(
  rows: T[],
  first: number,
  totalCount: number,
  cursorOf: (row: T) => string,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
