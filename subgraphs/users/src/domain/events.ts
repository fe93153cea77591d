import type { Tx } from '../../../../shared/db';
import { eventProducer } from '../../../../shared/events/outbox';
import type { User } from '../data/users';

/** The domain events the users subgraph emits, always in the transaction of the change they announce. */
const producer = eventProducer('users');

/**
 * Announces a user's current state with `UserChanged`, in `tx`: the transaction that created
 * or changed the user, so the change and its event commit together. Other domains (support's
 * user directory) keep their copy from it. `changedAt` is the user's version (`updatedAt`),
 * which `updateUserVersioned` keeps strictly increasing.
 */
export async function announceUser(tx: Tx, user: User): Promise<void> {
  await producer.emit(tx, 'UserChanged', {
    userId: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    status: user.status,
    changedAt: user.updatedAt.toISOString(),
  });
}
