import type { Db } from '../../../../shared/db';
import { inTransaction } from '../../../../shared/db';
import { awardBadge, findBadgesByIds } from '../data/catalog';
import { allParticipants, fixResult, lockNextDue, markClosed, progressOf } from '../data/challenges';
import { GamificationNotices, type GamificationRealtime } from '../realtime';
import { emitBadgeAwarded, emitChallengeWon } from './events';
import type { Ledger } from './ledger';

/**
 * Fixes the winners of challenges whose window has ended, once each: the challenge row is
 * locked (`FOR UPDATE SKIP LOCKED`, so closers on several instances share the work) and closed
 * in the transaction that records every participant's final progress, posts the winners'
 * points and awards their badge. Progress counts only what happened inside the window, so a
 * late close fixes the same winners as a punctual one. Each winner is announced (`ChallengeWon`)
 * in that transaction, so exactly once. Returns how many it closed.
 */
export async function closeDueChallenges(deps: {
  db: Db;
  ledger: Ledger;
  realtime: GamificationRealtime;
  now: () => Date;
}): Promise<number> {
  let closed = 0;
  for (;;) {
    const notices = new GamificationNotices();
    const done = await inTransaction(deps.db, async (tx) => {
      const challenge = await lockNextDue(tx, deps.now());
      if (!challenge) return false;
      const participants = await allParticipants(tx, challenge.id);
      const progress = await progressOf(
        tx,
        challenge,
        participants.map((p) => p.userId),
      );
      const [badge] = challenge.rewardBadgeId ? await findBadgesByIds(deps.db, [challenge.rewardBadgeId]) : [];
      for (const p of participants) {
        const { progress: reached, inScope } = progress.get(p.userId) ?? { progress: 0, inScope: false };
        const won = inScope && reached >= challenge.goal;
        await fixResult(tx, challenge.id, p.userId, inScope ? reached : null, won);
        if (!won) continue;
        await emitChallengeWon(tx, {
          challengeId: challenge.id,
          userId: p.userId,
          name: challenge.name,
          goal: challenge.goal,
          progress: reached,
          rewardPoints: challenge.rewardPoints,
          badgeName: badge?.name ?? null,
          endsAt: challenge.endsAt.toISOString(),
          wonAt: deps.now().toISOString(),
        });
        if (challenge.rewardPoints > 0)
          await deps.ledger.post(
            tx,
            {
              userId: p.userId,
              amount: challenge.rewardPoints,
              kind: 'AWARD',
              reason: `Reto: ${challenge.name}`,
              sourceType: 'Challenge',
              sourceId: challenge.id,
              occurredAt: challenge.endsAt,
            },
            notices,
          );
        if (
          badge &&
          (await awardBadge(tx, { userId: p.userId, badgeId: badge.id, eventId: null, awardedAt: challenge.endsAt }))
        )
          await emitBadgeAwarded(tx, {
            userId: p.userId,
            badgeId: badge.id,
            name: badge.name,
            awardedAt: challenge.endsAt.toISOString(),
          });
      }
      await markClosed(tx, challenge.id, deps.now());
      return true;
    });
    if (!done) return closed;
    closed++;
    await deps.realtime.publish(notices);
  }
}
