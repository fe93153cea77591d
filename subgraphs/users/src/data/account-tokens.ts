import type { AccountTokenPurpose } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

/** Data access for account tokens (verification, password reset) and the requests that mail them. */
export type { AccountTokenPurpose };

export async function createAccountToken(
  tx: Tx,
  data: { userId: string; purpose: AccountTokenPurpose; email: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await tx.accountToken.create({ data });
}

/**
 * Spends every live token of a user and purpose (a newer one supersedes them, or one was used):
 * only the latest mail's link works.
 */
export async function spendUserTokens(tx: Tx, userId: string, purpose: AccountTokenPurpose, at: Date): Promise<void> {
  await tx.accountToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: at } });
}

/**
 * Spends the live, unexpired token with this hash and purpose, and returns it; `null` when there
 * is none (unknown, spent, expired). One conditional update: of two concurrent uses, one wins.
 */
export async function spendToken(
  tx: Tx,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  at: Date,
): Promise<{ userId: string; email: string } | null> {
  const { count } = await tx.accountToken.updateMany({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: at } },
    data: { usedAt: at },
  });
  if (count === 0) return null;
  return tx.accountToken.findUnique({ where: { tokenHash }, select: { userId: true, email: true } });
}

export async function recordMailRequest(
  db: Db | Tx,
  data: { purpose: AccountTokenPurpose; email: string; ip: string; createdAt: Date },
): Promise<void> {
  await db.accountMailRequest.create({ data });
}

/** Requests of a purpose since `since`: for this email, and from this address. */
export async function countMailRequests(
  db: Db | Tx,
  purpose: AccountTokenPurpose,
  email: string,
  ip: string,
  since: Date,
): Promise<{ byEmail: number; byIp: number }> {
  const [byEmail, byIp] = await Promise.all([
    db.accountMailRequest.count({ where: { purpose, email, createdAt: { gte: since } } }),
    db.accountMailRequest.count({ where: { purpose, ip, createdAt: { gte: since } } }),
  ]);
  return { byEmail, byIp };
}
