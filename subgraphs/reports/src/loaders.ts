import type { Db } from '../../../shared/db';
import { byId } from '../../../shared/loaders';
import { findAttendance, findEventOwners } from './data/queries';

/** Per-request loaders: one SQL query per batch, results in key order (`null` when missing). */
export function createLoaders(db: Db) {
  return {
    ownerByEvent: byId((ids) => findEventOwners(db, ids)),
    attendanceByEvent: byId((ids) => findAttendance(db, ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
