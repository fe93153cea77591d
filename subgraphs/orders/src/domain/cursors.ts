import { keysetCursor } from '../../../../shared/pagination';

/**
 * The one sort key of orders' lists (products, stock movements, orders): newest first, by
 * creation time then id. A cursor that `decode` did not get from `encode` is BAD_USER_INPUT on `after`.
 */
const codec = keysetCursor({ c: 'date', i: 'uuid' });

export interface NewestFirstKey {
  createdAt: Date;
  id: string;
}

export const newestFirst = {
  encode: (row: NewestFirstKey): string => codec.encode({ c: row.createdAt, i: row.id }),
  decode(after: string | null | undefined): NewestFirstKey | undefined {
    const key = codec.decode(after);
    return key && { createdAt: key.c, id: key.i };
  },
};
