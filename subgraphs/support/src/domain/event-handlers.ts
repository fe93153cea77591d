import type { EventHandlers } from '../../../../shared/events/bus';
import { upsertIfNewer } from '../data/user-directory';

/**
 * What support does with other domains' events. Each handler runs in the consumer's
 * transaction, which also records the event as processed.
 *
 * `UserChanged` keeps the user directory: the row takes the event's state only if the event's
 * `changedAt` is newer than the row's, since events can be redelivered, and a late event (a
 * consumer instance that died holding it, claimed later) must not undo a newer one.
 */
export function userDirectoryHandlers(): EventHandlers {
  return {
    UserChanged: async (tx, { payload: p }) => {
      await upsertIfNewer(tx, { userId: p.userId, email: p.email, roles: p.roles, status: p.status, updatedAt: new Date(p.changedAt) });
    },
  };
}
