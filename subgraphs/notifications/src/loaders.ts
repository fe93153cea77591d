import type { Db } from '../../../shared/db';
import { groupedBy } from '../../../shared/loaders';
import { findAttempts } from './data/notifications';
import { findPreferences } from './data/preferences';

/** Per-request loaders: one SQL query per batch, results in key order. */
export function createLoaders(db: Db) {
  return {
    attemptsByNotification: groupedBy(
      (ids) => findAttempts(db, ids),
      (a) => a.notificationId,
    ),
    preferencesByUser: groupedBy(
      (ids) => findPreferences(db, ids),
      (p) => p.userId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
