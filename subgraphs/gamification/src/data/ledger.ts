import { randomUUID } from 'node:crypto';
import type { PointsEntryKind } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';
import type { Period } from '../domain/calendar';

export type { LedgerEntry, PointsEntryKind } from '../../../../prisma/generated/prisma/client';
import type { LedgerEntry } from '../../../../prisma/generated/prisma/client';

/** A ledger entry to append (`localDay` is `occurredAt`'s local date). */
export interface NewEntry {
  userId: string;
  amount: number;
  kind: PointsEntryKind;
  reason: string;
  ruleId?: string | null;
  sourceType?: string | null;
  sourceId?: string | null;
  eventId?: string | null;
  occurredAt: Date;
  localDay: Date;
}

export interface Totals {
  balance: number;
  lifetime: number;
  levelId: string | null;
}

/**
 * Locks the user's balance row (creating it at zero), so the ledger entry, the balance and
 * the leaderboard totals of one user change one transaction at a time.
 */
export async function lockTotals(tx: Tx, userId: string): Promise<Totals> {
  await tx.$executeRaw`
    INSERT INTO gamification.balances (user_id, balance, lifetime, updated_at) VALUES (${userId}::uuid, 0, 0, now())
    ON CONFLICT (user_id) DO NOTHING`;
  const [row] = await tx.$queryRaw<{ balance: number; lifetime: number; level_id: string | null }[]>`
    SELECT balance, lifetime, level_id FROM gamification.balances WHERE user_id = ${userId}::uuid FOR UPDATE`;
  return { balance: row!.balance, lifetime: row!.lifetime, levelId: row!.level_id };
}

/**
 * Appends one entry with the balance it leaves, and moves the running totals by it: the
 * balance always, lifetime points and the leaderboard totals (of the periods `scores` names)
 * unless it is a redemption. Call with the totals `lockTotals` returned in this transaction.
 * Returns null, changing nothing, when (eventId, ruleId) already has an entry.
 */
export async function appendEntry(
  tx: Tx,
  totals: Totals,
  entry: NewEntry,
  scores: { period: Period; start: Date }[],
): Promise<LedgerEntry | null> {
  const countsForLifetime = entry.kind !== 'REDEMPTION';
  const balanceAfter = totals.balance + entry.amount;
  const id = randomUUID();
  const { count } = await tx.ledgerEntry.createMany({
    data: [
      {
        id,
        userId: entry.userId,
        amount: entry.amount,
        kind: entry.kind,
        reason: entry.reason,
        ruleId: entry.ruleId ?? null,
        sourceType: entry.sourceType ?? null,
        sourceId: entry.sourceId ?? null,
        eventId: entry.eventId ?? null,
        occurredAt: entry.occurredAt,
        localDay: entry.localDay,
        balanceAfter,
      },
    ],
    skipDuplicates: true,
  });
  if (count === 0) return null;
  const lifetimeDelta = countsForLifetime ? entry.amount : 0;
  await tx.$executeRaw`
    UPDATE gamification.balances
    SET balance = balance + ${entry.amount}, lifetime = lifetime + ${lifetimeDelta}, updated_at = now()
    WHERE user_id = ${entry.userId}::uuid`;
  totals.balance = balanceAfter;
  totals.lifetime += lifetimeDelta;
  if (countsForLifetime && scores.length > 0)
    await moveScores(tx, entry.userId, entry.amount, entry.occurredAt, scores);
  return tx.ledgerEntry.findUniqueOrThrow({ where: { id } });
}

export async function setLevel(tx: Tx, userId: string, levelId: string | null): Promise<void> {
  await tx.balance.update({ where: { userId }, data: { levelId } });
}

/** Points rule `ruleId` awarded `userId` on local days `from`..`to` (inclusive): what caps count. */
export async function awardedBetween(tx: Tx, userId: string, ruleId: string, from: Date, to: Date): Promise<number> {
  const sum = await tx.ledgerEntry.aggregate({
    _sum: { amount: true },
    where: { userId, ruleId, kind: 'AWARD', localDay: { gte: from, lte: to } },
  });
  return sum._sum.amount ?? 0;
}

/** The awards and reversals of one source (an order, a ticket), oldest first. */
export function entriesOfSource(tx: Tx, sourceType: string, sourceId: string): Promise<LedgerEntry[]> {
  return tx.ledgerEntry.findMany({
    where: { sourceType, sourceId, kind: { in: ['AWARD', 'REVERSAL'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export function findTotals(db: Db, userIds: string[]) {
  return db.balance.findMany({ where: { userId: { in: userIds } } });
}
export type { Balance } from '../../../../prisma/generated/prisma/client';

export function findEntriesByIds(db: Db, ids: string[]): Promise<LedgerEntry[]> {
  return db.ledgerEntry.findMany({ where: { id: { in: ids } } });
}

/** A user's entries, newest first, after the keyset (createdAt, id) if given; `limit` rows. */
export function listEntries(
  db: Db,
  userId: string,
  after: { c: Date; i: string } | undefined,
  limit: number,
): Promise<LedgerEntry[]> {
  return db.ledgerEntry.findMany({
    where: {
      userId,
      ...(after && { OR: [{ createdAt: { lt: after.c } }, { createdAt: after.c, id: { lt: after.i } }] }),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
}

export function countEntries(db: Db, userId: string): Promise<number> {
  return db.ledgerEntry.count({ where: { userId } });
}

/**
 * Adds `amount` to the user's totals of these periods, and moves the user between the
 * per-total counts ranks are computed from (`score_counts`): one less at the old total, one
 * more at the new. The caller holds the user's balance lock, so the old totals read here stay
 * current until the commit.
 */
async function moveScores(
  tx: Tx,
  userId: string,
  amount: number,
  at: Date,
  scores: { period: Period; start: Date }[],
): Promise<void> {
  const periods = scores.map((s) => s.period);
  const starts = scores.map((s) => s.start);
  const old = await tx.$queryRaw<{ period: string; start: Date; points: number }[]>`
    SELECT s.period, s.start, s.points FROM gamification.period_scores s
    JOIN unnest(${periods}::text[], ${starts}::date[]) AS t(p, d) ON s.period = t.p AND s.start = t.d
    WHERE s.user_id = ${userId}::uuid`;
  await tx.$executeRaw`
    INSERT INTO gamification.period_scores (period, start, user_id, points, reached_at)
    SELECT p, d, ${userId}::uuid, ${amount}, ${at}
    FROM unnest(${periods}::text[], ${starts}::date[]) AS t(p, d)
    ON CONFLICT (period, start, user_id) DO UPDATE
    SET points = gamification.period_scores.points + EXCLUDED.points,
        reached_at = GREATEST(gamification.period_scores.reached_at, EXCLUDED.reached_at)`;
  const previous = new Map(old.map((o) => [`${o.period}/${o.start.getTime()}`, o.points]));
  const moves: { period: string; start: Date; points: number; users: number }[] = [];
  for (const { period, start } of scores) {
    const was = previous.get(`${period}/${start.getTime()}`);
    if (was !== undefined) moves.push({ period, start, points: was, users: -1 });
    moves.push({ period, start, points: (was ?? 0) + amount, users: 1 });
  }
  await tx.$executeRaw`
    INSERT INTO gamification.score_counts (period, start, points, users)
    SELECT * FROM unnest(${moves.map((m) => m.period)}::text[], ${moves.map((m) => m.start)}::date[],
                         ${moves.map((m) => m.points)}::int[], ${moves.map((m) => m.users)}::int[])
    ON CONFLICT (period, start, points) DO UPDATE SET users = gamification.score_counts.users + EXCLUDED.users`;
}
