import type { Db } from '../../../shared/db';
import { byId } from '../../../shared/loaders';
import { findUsersByIds } from './data/users';

/** Per-request loaders: one SQL query per batch, one result per key in key order. */
export function createLoaders(db: Db) {
  return {
    userById: byId((ids) => findUsersByIds(db, ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
