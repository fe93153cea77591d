import type { PubSub } from '../../../../../shared/realtime/pubsub';
import { realtimePublisher, type RealtimePublisher } from '../../../../../shared/realtime/publisher';
import type { Logger } from '../../../../../shared/logger';
import { channels, type ReceiptNotice } from '../../realtime';

/** Announces a receipt's committed status changes to its `receiptUpdated` subscribers (never throws). */
export class ReceiptUpdates {
  private readonly publisher: RealtimePublisher;

  constructor(deps: { pubsub: PubSub; logger: Logger }) {
    this.publisher = realtimePublisher(deps.pubsub, deps.logger);
  }

  async changed(receipt: { id: string; userId: string; status: string }): Promise<void> {
    await this.publisher.publish(channels.receipt(receipt.id), {
      receiptId: receipt.id,
      userId: receipt.userId,
      status: receipt.status,
    } satisfies ReceiptNotice);
  }
}
