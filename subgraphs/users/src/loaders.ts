import DataLoader from 'dataloader';
import type { Db } from '../../../shared/db';
import { findUsersByIds, type User } from './data/users';
import { isUuid } from './domain/validation';

/** Per-request loaders: one SQL query per batch, results in key order (`null` when missing). */
export function createLoaders(db: Db) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => {
      const valid = ids.filter(isUuid);
      const rows = valid.length ? await findUsersByIds(db, valid) : [];
      const byId = new Map(rows.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
