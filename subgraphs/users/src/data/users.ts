import type { Prisma, Role, User, UserStatus } from '../../../../prisma/generated/prisma/client';
import { isUniqueViolation, likeLiteral, type Db, type Tx } from '../../../../shared/db';

/** Data access for `users.users`. Functions take a `Db` or a transaction client. */
export type { Role, User, UserStatus };

export interface UserListFilter {
  search?: string | null;
  role?: Role | null;
  status?: UserStatus | null;
}

/** Thrown by `createUser` when the email is taken (the unique index decides, race-free). */
export class EmailTakenError extends Error {}

export function findUsersByIds(db: Db | Tx, ids: readonly string[]): Promise<User[]> {
  return db.user.findMany({ where: { id: { in: [...ids] } } });
}

export function findUserById(db: Db | Tx, id: string): Promise<User | null> {
  return db.user.findUnique({ where: { id } });
}

export function findUserByEmail(db: Db | Tx, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email } });
}

export async function createUser(
  db: Db | Tx,
  data: { email: string; name: string; passwordHash: string; roles?: Role[] },
): Promise<User> {
  try {
    return await db.user.create({ data });
  } catch (err) {
    if (isUniqueViolation(err)) throw new EmailTakenError(data.email);
    throw err;
  }
}

/** Updates a user; `null` when no user has this id. */
export async function updateUser(db: Db | Tx, id: string, data: Prisma.UserUpdateInput): Promise<User | null> {
  const { count } = await db.user.updateMany({ where: { id }, data: data });
  return count === 0 ? null : findUserById(db, id);
}

/**
 * Updates a user in `tx` under a row lock and gives it the next version (`updatedAt`): `now`,
 * or 1 ms past the previous version when this instance's clock is behind it. So a user's
 * versions strictly increase in commit order, whichever instance makes the change; they are
 * the `changedAt` of `UserChanged`. `null` when no user has this id.
 */
export async function updateUserVersioned(
  tx: Tx,
  id: string,
  data: Prisma.UserUpdateInput,
  now: Date,
): Promise<User | null> {
  const [current] = await tx.$queryRaw<
    { updated_at: Date }[]
  >`SELECT updated_at FROM users.users WHERE id = ${id}::uuid FOR UPDATE`;
  if (!current) return null;
  const updatedAt = new Date(Math.max(now.getTime(), current.updated_at.getTime() + 1));
  return updateUser(tx, id, { ...data, updatedAt });
}

function whereOf(filter: UserListFilter): Prisma.UserWhereInput {
  const where: Prisma.UserWhereInput = {};
  if (filter.search) {
    where.OR = [
      { email: { contains: likeLiteral(filter.search), mode: 'insensitive' } },
      { name: { contains: likeLiteral(filter.search), mode: 'insensitive' } },
    ];
  }
  if (filter.role) where.roles = { has: filter.role };
  if (filter.status) where.status = filter.status;
  return where;
}

/** One page in (createdAt, id) order, starting after the given key; `take` rows at most. */
export function listUsers(
  db: Db | Tx,
  filter: UserListFilter,
  after: { createdAt: Date; id: string } | undefined,
  take: number,
): Promise<User[]> {
  const where = whereOf(filter);
  const page: Prisma.UserWhereInput = after
    ? {
        AND: [
          where,
          {
            OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }],
          },
        ],
      }
    : where;
  return db.user.findMany({ where: page, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take });
}

export function countUsers(db: Db | Tx, filter: UserListFilter): Promise<number> {
  return db.user.count({ where: whereOf(filter) });
}
