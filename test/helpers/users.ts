import type { Role } from '../../prisma/generated/prisma/client';
import { updateUserVersioned } from '../../subgraphs/users/src/data/users';
import { announceUser } from '../../subgraphs/users/src/domain/events';
import { eventually } from './eventually';
import type { Stack } from './stack';

/**
 * Registers a user through the gateway and, when roles are given, grants them as
 * `setUserRoles` does: in the database, announced with `UserChanged` in the same transaction
 * (so support's user directory learns them, asynchronously: see `untilSupportKnows`).
 */
export async function signUp(
  stack: Stack,
  email: string,
  options: { roles?: Role[]; password?: string } = {},
): Promise<{ id: string; accessToken: string; refreshToken: string }> {
  const res = await stack.gql(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }`,
    { input: { email, password: options.password ?? 'a-good-password', name: email.split('@')[0] } },
  );
  if (res.errors) throw new Error(`register ${email}: ${res.errors[0]!.message}`);
  const { accessToken, refreshToken, user } = res.data!.register;
  // Roles are read with the session on every request, so the token works with them at once.
  const roles = options.roles;
  if (roles) {
    await stack.db.$transaction(async (tx) => {
      await announceUser(tx, (await updateUserVersioned(tx, user.id, { roles }, new Date()))!);
    });
  }
  return { id: user.id, accessToken, refreshToken };
}

/**
 * Waits until support's user directory (fed by `UserChanged` through the stack's workers)
 * holds the user, with these roles and status when given.
 */
export async function untilSupportKnows(
  stack: Stack,
  userId: string,
  expected: { roles?: Role[]; status?: 'ACTIVE' | 'DISABLED'; email?: string; emailVerified?: boolean } = {},
): Promise<void> {
  await eventually(
    async () => {
      const row = await stack.db.userDirectoryEntry.findUnique({ where: { userId } });
      return (
        !!row &&
        (expected.roles === undefined || [...row.roles].sort().join() === [...expected.roles].sort().join()) &&
        (expected.status === undefined || row.status === expected.status) &&
        (expected.email === undefined || row.email === expected.email) &&
        (expected.emailVerified === undefined || row.emailVerified === expected.emailVerified)
      );
    },
    { what: `support's directory to hold user ${userId} ${JSON.stringify(expected)}` },
  );
}

export const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

/**
 * The raw token of the latest account mail users asked for (`EmailVerificationRequested` or
 * `PasswordResetRequested`) for this user, as the event hands it to the mail pipeline: for
 * tests of users alone; the notifications tests take it from the delivered mail instead.
 */
export async function requestedToken(
  stack: { db: Stack['db'] },
  type: 'EmailVerificationRequested' | 'PasswordResetRequested',
  userId: string,
): Promise<string> {
  const row = await stack.db.outboxEvent.findFirst({
    where: { type, payload: { path: ['userId'], equals: userId } },
    orderBy: { id: 'desc' },
  });
  if (!row) throw new Error(`no ${type} for user ${userId}`);
  return (row.payload as { token: string }).token;
}

/** Verifies a user's email with the token of their latest verification mail, through the gateway. */
export async function verifyEmail(stack: Stack, userId: string): Promise<void> {
  const token = await requestedToken(stack, 'EmailVerificationRequested', userId);
  const res = await stack.gql(`mutation($t: String!) { verifyEmail(token: $t) }`, { t: token });
  if (res.errors) throw new Error(`verifyEmail: ${res.errors[0]!.message}`);
}
