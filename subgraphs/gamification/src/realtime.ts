import type Redis from 'ioredis';
import type { Logger } from '../../../shared/logger';
import { pubsubFor, type PubSub } from '../../../shared/realtime/pubsub';
import { realtimePublisher, type RealtimePublisher } from '../../../shared/realtime/publisher';
import { PERIODS, type Period } from './domain/calendar';
import type { GamificationSettings } from './settings';

/** The gamification subgraph's realtime channels: subscriptions listen here, services publish after commit. */
export const channels = {
  points: (userId: string) => `gamification:points:${userId}`,
  leaderboard: (period: Period) => `gamification:leaderboard:${period}`,
  challengeLeaderboard: (challengeId: string) => `gamification:leaderboard:challenge:${challengeId}`,
  receipt: (receiptId: string) => `gamification:receipt:${receiptId}`,
};

/** A `receiptUpdated` event: the receipt whose status changed (the resolver reads it). */
export interface ReceiptNotice {
  receiptId: string;
  userId: string;
  status: string;
}

/** A `pointsChanged` event: the entry that changed a user's points and the totals after it. */
export interface PointsNotice {
  userId: string;
  entryId: string;
  balance: number;
  lifetime: number;
  levelId: string | null;
}

/** A `leaderboardChanged` event: which leaderboard changed (the resolver reads its top). */
export type LeaderboardNotice = { period: Period } | { challengeId: string };

/**
 * What one transaction changed, gathered while it runs and published once it committed: a
 * rolled-back transaction's notices are dropped with it.
 */
export class GamificationNotices {
  readonly points: PointsNotice[] = [];
  leaderboards = false;
  /** Challenges whose leaderboard may have moved (a participant's points or activities, a join). */
  readonly challenges = new Set<string>();

  pointsChanged(notice: PointsNotice, countsForLeaderboards: boolean): void {
    this.points.push(notice);
    if (countsForLeaderboards) this.leaderboards = true;
  }

  challengesChanged(challengeIds: Iterable<string>): void {
    for (const id of challengeIds) this.challenges.add(id);
  }
}

/**
 * Publishes committed changes. Points go out at once; leaderboard changes are coalesced per
 * leaderboard: the first change publishes at once, later ones within `coalesceMs` become one
 * publish at the end of that interval, so a burst of awards sends a few updates per second.
 */
export class GamificationRealtime {
  private readonly publisher: RealtimePublisher;
  /** Per channel: when it last sent, and the coalesced send waiting. */
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(deps: { pubsub: PubSub; logger: Logger; coalesceMs: number }) {
    this.publisher = realtimePublisher(deps.pubsub, deps.logger);
    this.coalesceMs = deps.coalesceMs;
  }

  private readonly coalesceMs: number;

  async publish(notices: GamificationNotices): Promise<void> {
    for (const notice of notices.points) await this.publisher.publish(channels.points(notice.userId), notice);
    if (notices.leaderboards)
      for (const period of PERIODS) this.leaderboardChanged(channels.leaderboard(period), { period });
    for (const challengeId of notices.challenges)
      this.leaderboardChanged(channels.challengeLeaderboard(challengeId), { challengeId });
  }

  private leaderboardChanged(channel: string, notice: LeaderboardNotice): void {
    if (this.pending.has(channel)) return;
    const wait = (this.lastSent.get(channel) ?? -Infinity) + this.coalesceMs - Date.now();
    const send = () => {
      this.pending.delete(channel);
      this.lastSent.set(channel, Date.now());
      void this.publisher.publish(channel, notice);
    };
    if (wait <= 0) send();
    else this.pending.set(channel, setTimeout(send, wait).unref());
  }

  /** Drops coalesced updates not yet sent (at shutdown). */
  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}

/** The realtime publisher of a gamification process (through Redis when `redis` is set). */
export function createRealtime(deps: {
  redis?: Redis;
  logger: Logger;
  settings: GamificationSettings;
}): GamificationRealtime {
  return new GamificationRealtime({
    pubsub: pubsubFor(deps),
    logger: deps.logger,
    coalesceMs: deps.settings.leaderboardCoalesceMs,
  });
}
