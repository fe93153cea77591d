import { createLogger } from '../../../shared/logger';
import type { PubSub } from '../../../shared/realtime/pubsub';
import { GamificationNotices, GamificationRealtime, channels } from '../src/realtime';

/** A PubSub that records what is published. */
function recorder(): PubSub & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    publish: async (channel) => {
      sent.push(channel);
    },
    subscribe: () => {
      throw new Error('not used');
    },
  };
}

afterEach(() => jest.useRealTimers());

test('a burst of leaderboard changes sends the first at once and one more per interval', async () => {
  jest.useFakeTimers();
  const pubsub = recorder();
  const realtime = new GamificationRealtime({ pubsub, logger: createLogger('test', 'silent'), coalesceMs: 500 });
  const changed = () => {
    const notices = new GamificationNotices();
    notices.pointsChanged({ userId: 'u', entryId: 'e', balance: 1, lifetime: 1, levelId: null }, true);
    return realtime.publish(notices);
  };
  for (let i = 0; i < 50; i++) await changed();
  const weekly = () => pubsub.sent.filter((c) => c === channels.leaderboard('WEEK')).length;
  expect(weekly()).toBe(1);
  expect(pubsub.sent.filter((c) => c === channels.points('u'))).toHaveLength(50); // points are never coalesced
  jest.advanceTimersByTime(500);
  expect(weekly()).toBe(2);
  jest.advanceTimersByTime(5_000);
  expect(weekly()).toBe(2); // nothing changed since
  realtime.stop();
});

test('a redemption (no leaderboard change) publishes points only', async () => {
  const pubsub = recorder();
  const realtime = new GamificationRealtime({ pubsub, logger: createLogger('test', 'silent'), coalesceMs: 500 });
  const notices = new GamificationNotices();
  notices.pointsChanged({ userId: 'u', entryId: 'e', balance: 0, lifetime: 1, levelId: null }, false);
  await realtime.publish(notices);
  expect(pubsub.sent).toEqual([channels.points('u')]);
});

test("a challenge's leaderboard has its own channel, coalesced like the others", async () => {
  jest.useFakeTimers();
  const pubsub = recorder();
  const realtime = new GamificationRealtime({ pubsub, logger: createLogger('test', 'silent'), coalesceMs: 500 });
  for (let i = 0; i < 20; i++) {
    const notices = new GamificationNotices();
    notices.challengesChanged(['c1']);
    await realtime.publish(notices);
  }
  expect(pubsub.sent).toEqual([channels.challengeLeaderboard('c1')]); // no period leaderboard changed
  jest.advanceTimersByTime(500);
  expect(pubsub.sent).toEqual([channels.challengeLeaderboard('c1'), channels.challengeLeaderboard('c1')]);
  realtime.stop();
});
