import type { Db, Tx } from '../../../../shared/db';
import {
  type Prisma,
  type Receipt,
  type ReceiptStatus,
  type ReceiptUpload,
} from '../../../../prisma/generated/prisma/client';

export type { Receipt, ReceiptStatus, ReceiptUpload };

/** What an extraction or a review writes on a receipt. */
export type ReceiptFields = Partial<
  Pick<
    Receipt,
    | 'method'
    | 'fiscalFormat'
    | 'confidence'
    | 'merchantName'
    | 'merchantTaxId'
    | 'receiptNumber'
    | 'purchasedAt'
    | 'totalCents'
    | 'currency'
    | 'country'
    | 'rejectionReason'
    | 'duplicateOfId'
    | 'normalizedKey'
    | 'reviewedById'
    | 'decidedAt'
  >
> & { lines?: Prisma.InputJsonValue; extraction?: Prisma.InputJsonValue };

export const createUpload = (db: Db, data: Omit<ReceiptUpload, 'createdAt' | 'receiptId'>) =>
  db.receiptUpload.create({ data });

export const findUpload = (db: Db | Tx, id: string) => db.receiptUpload.findUnique({ where: { id } });

/**
 * Marks an upload submitted by `receiptId`, unless it already was: one conditional UPDATE, so
 * of concurrent submissions of one upload exactly one gets it. False when it was taken.
 */
export async function takeUpload(tx: Tx, uploadId: string, receiptId: string): Promise<boolean> {
  const { count } = await tx.receiptUpload.updateMany({
    where: { id: uploadId, receiptId: null },
    data: { receiptId },
  });
  return count === 1;
}

export const createReceipt = (
  tx: Tx,
  data: Pick<Receipt, 'id' | 'userId' | 'uploadId' | 'contentHash' | 'storageKey' | 'contentType'>,
) => tx.receipt.create({ data });

export const findReceipt = (db: Db | Tx, id: string) => db.receipt.findUnique({ where: { id } });

export const findReceiptsByIds = (db: Db, ids: string[]) => db.receipt.findMany({ where: { id: { in: ids } } });

/**
 * Takes the oldest receipt waiting for processing whose lease is free or ran out (its worker
 * died), for `leaseMs`: `FOR UPDATE SKIP LOCKED`, so concurrent workers take different ones.
 * The new lease token identifies this attempt; only its holder may finish the receipt.
 */
export async function claimNext(db: Db, leaseMs: number): Promise<Receipt | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE gamification.receipts r
    SET lease_until = now() + ${leaseMs} * interval '1 millisecond', lease_token = gen_random_uuid(),
        attempts = r.attempts + 1, updated_at = now()
    WHERE r.id = (
      SELECT id FROM gamification.receipts
      WHERE status = 'PROCESSING' AND (lease_until IS NULL OR lease_until < now())
      ORDER BY created_at, id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING r.id`;
  return rows[0] ? db.receipt.findUnique({ where: { id: rows[0].id } }) : null;
}

/**
 * Writes the outcome of a processing attempt, if that attempt still holds the receipt (its
 * lease token, and still PROCESSING): a worker that lost its lease changes nothing. Locks the row.
 */
export async function finishIfHeld(
  tx: Tx,
  id: string,
  leaseToken: string,
  status: ReceiptStatus,
  fields: ReceiptFields,
): Promise<Receipt | null> {
  const { count } = await tx.receipt.updateMany({
    where: { id, leaseToken, status: 'PROCESSING' },
    data: { ...fields, status, leaseUntil: null, leaseToken: null },
  });
  return count === 1 ? tx.receipt.findUniqueOrThrow({ where: { id } }) : null;
}

/** Gives a held receipt back for a later attempt (a provider asked to wait), after `delayMs`. */
export async function postpone(db: Db, id: string, leaseToken: string, delayMs: number): Promise<void> {
  await db.$executeRaw`
    UPDATE gamification.receipts SET lease_until = now() + ${delayMs} * interval '1 millisecond', lease_token = NULL
    WHERE id = ${id}::uuid AND lease_token = ${leaseToken}::uuid AND status = 'PROCESSING'`;
}

/** A reviewed receipt's new state, if it is still NEEDS_REVIEW (locks the row). */
export async function decideIfPending(
  tx: Tx,
  id: string,
  status: ReceiptStatus,
  fields: ReceiptFields,
): Promise<Receipt | null> {
  const { count } = await tx.receipt.updateMany({ where: { id, status: 'NEEDS_REVIEW' }, data: { ...fields, status } });
  return count === 1 ? tx.receipt.findUniqueOrThrow({ where: { id } }) : null;
}

export interface Identity {
  kind: 'image' | 'fiscal';
  value: string;
}

/**
 * Claims identities for a receipt (`INSERT ... ON CONFLICT DO NOTHING`): the primary key lets
 * one receipt own each. Returns the receipt that owns the first identity someone else holds,
 * or null when this receipt now holds them all. A claim already held by this receipt counts
 * as held.
 */
export async function claimIdentities(tx: Tx, receiptId: string, identities: Identity[]): Promise<string | null> {
  for (const { kind, value } of identities) {
    await tx.$executeRaw`
      INSERT INTO gamification.receipt_identities (kind, value, receipt_id)
      VALUES (${kind}, ${value}, ${receiptId}::uuid) ON CONFLICT DO NOTHING`;
    const owner = await tx.receiptIdentity.findUniqueOrThrow({ where: { kind_value: { kind, value } } });
    if (owner.receiptId !== receiptId) return owner.receiptId;
  }
  return null;
}

/** Releases a receipt's identities (an ADMIN rejected it after review). */
export const releaseIdentities = (tx: Tx, receiptId: string) => tx.receiptIdentity.deleteMany({ where: { receiptId } });

/** Who holds an identity now, if anyone (a cheap early duplicate check before extraction). */
export async function identityOwner(db: Db, identity: Identity): Promise<string | null> {
  const row = await db.receiptIdentity.findUnique({ where: { kind_value: identity } });
  return row?.receiptId ?? null;
}

/** Serialises a user's acceptances (the per-day limit) within the transaction. */
export async function lockUserReceipts(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('gamification.receipts'), hashtext(${userId}))`;
}

/** Receipts of a user accepted (APPROVED or waiting for review) and created in [from, to). */
export const countAccepted = (tx: Tx, userId: string, from: Date, to: Date) =>
  tx.receipt.count({
    where: { userId, status: { in: ['APPROVED', 'NEEDS_REVIEW'] }, createdAt: { gte: from, lt: to } },
  });

type After = { c: Date; i: string } | undefined;

/** Receipts newest first (a user's, or anyone's), after the keyset (createdAt, id) if given. */
export function listReceipts(
  db: Db,
  where: { userId?: string; status?: ReceiptStatus },
  after: After,
  limit: number,
  order: 'desc' | 'asc' = 'desc',
) {
  const op = order === 'desc' ? 'lt' : 'gt';
  return db.receipt.findMany({
    where: {
      ...where,
      ...(after && { OR: [{ createdAt: { [op]: after.c } }, { createdAt: after.c, id: { [op]: after.i } }] }),
    },
    orderBy: [{ createdAt: order }, { id: order }],
    take: limit,
  });
}

export const countReceipts = (db: Db, where: { userId?: string; status?: ReceiptStatus }) =>
  db.receipt.count({ where });

/** Uploads never submitted whose time ran out, oldest first. */
export const expiredUploads = (db: Db, now: Date, limit: number) =>
  db.receiptUpload.findMany({ where: { receiptId: null, expiresAt: { lt: now } }, take: limit });

export async function deleteUnsubmittedUpload(db: Db, id: string): Promise<boolean> {
  const { count } = await db.receiptUpload.deleteMany({ where: { id, receiptId: null } });
  return count === 1;
}
