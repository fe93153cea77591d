/**
 * Cursor connections (`first/after`, `edges/node/pageInfo`, `totalCount`). A cursor is opaque
 * base64url JSON of the sort key of the last row of a page (keyset pagination), so a page stays
 * stable while rows are inserted before it. Cursors come back from clients: `keysetCursor`
 * checks every field it decodes, and anything else is `BAD_USER_INPUT` naming `after`.
 */
import { badInput } from './errors';
import { isUuid } from './validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return n;
}

/** The kinds of value a sort key holds: a timestamp, an entity id, an integer, or text. */
type FieldKind = 'date' | 'uuid' | 'int' | 'string';
type ValueOf<K extends FieldKind> = K extends 'date' ? Date : K extends 'int' ? number : string;
export type CursorKey<S extends Record<string, FieldKind>> = { [F in keyof S]: ValueOf<S[F]> };

/** Longest text field a cursor may carry (sort keys are short; a longer one is forged). */
const MAX_TEXT = 500;
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

function decodeField(kind: FieldKind, raw: unknown): Date | number | string | undefined {
  switch (kind) {
    case 'date': {
      if (typeof raw !== 'string') return undefined;
      const date = new Date(raw);
      if (Number.isNaN(date.getTime()) || date.toISOString() !== raw) return undefined;
      // JavaScript dates reach years ±275760; Postgres timestamps refuse years before 4713 BC.
      const year = date.getUTCFullYear();
      return year >= 1 && year <= 9999 ? date : undefined;
    }
    case 'uuid':
      return typeof raw === 'string' && isUuid(raw) ? raw.toLowerCase() : undefined;
    case 'int':
      // Integer sort keys are Postgres `integer` columns: a larger bound would fail in SQL.
      return Number.isInteger(raw) && (raw as number) >= INT4_MIN && (raw as number) <= INT4_MAX
        ? (raw as number)
        : undefined;
    case 'string':
      return typeof raw === 'string' && raw.length <= MAX_TEXT ? raw : undefined;
  }
}

export interface CursorCodec<S extends Record<string, FieldKind>> {
  encode(key: CursorKey<S>): string;
  /** `undefined` for no cursor (the first page); throws `BAD_USER_INPUT` on `after` for anything not made by `encode`. */
  decode(after: string | null | undefined): CursorKey<S> | undefined;
}

/**
 * A cursor codec for one sort key, e.g. newest first by creation time then id:
 *
 *   const cursor = keysetCursor({ c: 'date', i: 'uuid' });
 *   cursor.encode({ c: row.createdAt, i: row.id });
 *   const after = cursor.decode(args.after); // { c: Date, i: string } | undefined
 */
export function keysetCursor<S extends Record<string, FieldKind>>(shape: S): CursorCodec<S> {
  const fields = Object.entries(shape) as [keyof S & string, FieldKind][];
  return {
    encode(key) {
      const json: Record<string, unknown> = {};
      for (const [field, kind] of fields) {
        const value = key[field];
        json[field] = kind === 'date' ? (value as Date).toISOString() : value;
      }
      return Buffer.from(JSON.stringify(json)).toString('base64url');
    },
    decode(after) {
      if (after == null) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
      } catch {
        parsed = undefined;
      }
      if (typeof parsed === 'object' && parsed !== null) {
        const key: Record<string, unknown> = {};
        for (const [field, kind] of fields) {
          key[field] = decodeField(kind, (parsed as Record<string, unknown>)[field]);
        }
        if (fields.every(([field]) => key[field] !== undefined)) return key as CursorKey<S>;
      }
      throw badInput('after', 'after is not a cursor from this list');
    },
  };
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
