import type { Tx } from '../../../../shared/db';
import { eventProducer } from '../../../../shared/events/outbox';
import type { User } from '../data/users';

/** The domain events the users subgraph emits, always in the transaction of the change they announce. */
const producer = eventProducer('users');

/**
 * Announces a user's current state with `UserChanged`, in `tx`: the transaction that created
 * or changed the user, so the change and its event commit together. Other domains (support's
 * user directory, notifications' recipients) keep their copy from it. `changedAt` is the
 * user's version (`updatedAt`), which `updateUserVersioned` keeps strictly increasing.
 */
export async function announceUser(tx: Tx, user: User): Promise<void> {
  await producer.emit(tx, 'UserChanged', {
    userId: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    status: user.status,
    emailVerified: user.emailVerifiedAt !== null,
    locale: user.locale,
    changedAt: user.updatedAt.toISOString(),
  });
}

/** What an account mail carries: the recipient, their locale, and the raw token of the link. */
export interface AccountMail {
  user: User;
  token: string;
  expiresAt: Date;
  requestedAt: Date;
}

const accountMailPayload = ({ user, token, expiresAt, requestedAt }: AccountMail) => ({
  userId: user.id,
  email: user.email,
  name: user.name,
  locale: user.locale,
  token,
  expiresAt: expiresAt.toISOString(),
  requestedAt: requestedAt.toISOString(),
});

/** Asks notifications to mail a verification link, in the transaction that stored the token's hash. */
export async function requestVerificationMail(tx: Tx, mail: AccountMail): Promise<void> {
  await producer.emit(tx, 'EmailVerificationRequested', accountMailPayload(mail));
}

/** Asks notifications to mail a password-reset link, in the transaction that stored the token's hash. */
export async function requestPasswordResetMail(tx: Tx, mail: AccountMail): Promise<void> {
  await producer.emit(tx, 'PasswordResetRequested', accountMailPayload(mail));
}
