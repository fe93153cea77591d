import type { Logger } from '../logger';
import type { PubSub } from './pubsub';

/**
 * Publishes realtime events and never throws. Realtime fan-out is lossy by design (durable
 * effects travel as domain events through the outbox), so a publish that fails is logged and
 * dropped: the committed change it announces stands, and the caller's request still succeeds.
 * Call it only after the transaction committed.
 */
export interface RealtimePublisher {
  publish(channel: string, payload: unknown): Promise<void>;
}

export function realtimePublisher(pubsub: PubSub, logger: Logger): RealtimePublisher {
  return {
    async publish(channel, payload) {
      try {
        await pubsub.publish(channel, payload);
      } catch (err) {
        logger.warn('realtime event dropped', { channel, error: (err as Error).message });
      }
    },
  };
}
