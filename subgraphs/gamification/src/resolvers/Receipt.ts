import { isSelfOrAdmin } from '../../../../shared/auth/viewer';
import { forbidden } from '../../../../shared/errors';
import type {
  MutationResolvers,
  QueryResolvers,
  ReceiptResolvers,
  SubscriptionResolvers,
} from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { ReceiptLineData } from '../domain/receipts/extraction';
import { channels, type ReceiptNotice } from '../realtime';
import { withFilter } from '../../../../shared/realtime/pubsub';

export const Receipt: ReceiptResolvers = {
  user: (receipt) => ({ id: receipt.userId }),
  method: (receipt) => (receipt.method as 'FISCAL_QR' | 'OCR' | 'HOSTED_MODEL' | 'MANUAL' | null) ?? null,
  lines: (receipt) => (Array.isArray(receipt.lines) ? (receipt.lines as unknown as ReceiptLineData[]) : []),
  duplicateOf: async (receipt, _args, ctx) => {
    if (!receipt.duplicateOfId) return null;
    const original = await ctx.loaders.receiptById.load(receipt.duplicateOfId);
    return original && isSelfOrAdmin(ctx.viewer, original.userId) ? original : null;
  },
  submittedAt: (receipt) => receipt.createdAt,
};

export const ReceiptQueries: QueryResolvers = {
  receipt: (_parent, { id }, ctx) => ctx.receipts.get(ctx.viewer, id),
  myReceipts: (_parent, args, ctx) => ctx.receipts.ofUser(ctx.viewer, ctx.viewer!.userId, args),
  receiptsToReview: (_parent, args, ctx) => ctx.receipts.toReview(args),
};

export const ReceiptMutations: MutationResolvers = {
  submitReceipt: (_parent, { input }, ctx) => ctx.receipts.submit(ctx.viewer!, input),
  reviewReceipt: (_parent, args, ctx) => ctx.receipts.review(ctx.viewer!, args),
};

/**
 * `receiptUpdated(id)`: the owner or ADMIN (checked at subscribe, FORBIDDEN otherwise), then
 * the receipt as it is when each change is delivered.
 */
export const ReceiptSubscriptions: SubscriptionResolvers = {
  receiptUpdated: {
    subscribe: async (_parent, { id }, ctx: Context) => {
      const receipt = await ctx.receipts.get(ctx.viewer, id);
      return withFilter(ctx.pubsub.subscribe<ReceiptNotice>(channels.receipt(receipt.id)), (notice) => {
        if (!isSelfOrAdmin(ctx.viewer, notice.userId)) throw forbidden();
        return true;
      });
    },
    resolve: async (notice: ReceiptNotice, _args: unknown, ctx: Context) =>
      ctx.receipts.get(ctx.viewer, notice.receiptId),
  },
};
