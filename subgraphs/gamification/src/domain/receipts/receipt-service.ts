import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Viewer } from '../../../../../shared/auth/tokens';
import { isAdmin, isSelfOrAdmin } from '../../../../../shared/auth/viewer';
import { inTransaction, type Db } from '../../../../../shared/db';
import { DomainError, ErrorCode, badInput, conflict, forbidden, notFound } from '../../../../../shared/errors';
import { keysetCursor, pageSize, toConnection } from '../../../../../shared/pagination';
import { currency as currencyCode, text, uuid } from '../../../../../shared/validation';
import {
  countReceipts,
  createReceipt,
  createUpload,
  decideIfPending,
  findReceipt,
  findUpload,
  listReceipts,
  takeUpload,
  type Receipt,
  type ReceiptStatus,
} from '../../data/receipts';
import type { ReceiptSettings } from '../../receipt-settings';
import type { ReceiptStorage } from '../../storage';
import { settle } from './settle';
import { UploadInspector } from './sniff';
import { normalizeTaxId, taxIdKind } from './tax-ids';
import type { ReceiptUpdates } from './updates';

const cursor = keysetCursor({ c: 'date', i: 'uuid' });

export interface Corrections {
  merchantName?: string | null;
  merchantTaxId?: string | null;
  receiptNumber?: string | null;
  purchasedAt?: Date | null;
  totalCents?: number | null;
  currency?: string | null;
}

/** The receipts API: uploads, submission, reading (owner or ADMIN), the review queue. */
export class ReceiptService {
  constructor(
    private readonly deps: {
      db: Db;
      storage: ReceiptStorage;
      settings: ReceiptSettings;
      timeZone: string;
      updates: ReceiptUpdates;
      now: () => Date;
    },
  ) {}

  /**
   * Stores an upload streamed from the gateway: type sniffed from the first bytes, size
   * counted as it streams (refused past the limit), hashed; nothing is kept when it is refused.
   */
  async receiveUpload(viewer: Viewer, body: Readable) {
    const id = randomUUID();
    const key = `originals/${id}`;
    const inspector = new UploadInspector(this.deps.settings.maxUploadBytes);
    await this.deps.storage.putStream(key, body, inspector);
    const expiresAt = new Date(this.deps.now().getTime() + this.deps.settings.uploadTtlMs);
    try {
      await createUpload(this.deps.db, {
        id,
        userId: viewer.userId,
        storageKey: key,
        contentType: inspector.contentType!,
        sizeBytes: inspector.sizeBytes,
        sha256: inspector.digest(),
        expiresAt,
      });
    } catch (err) {
      await this.deps.storage.delete(key);
      throw err;
    }
    return {
      uploadId: id,
      expiresAt: expiresAt.toISOString(),
      contentType: inspector.contentType!,
      sizeBytes: inspector.sizeBytes,
    };
  }

  /** Creates a receipt from the viewer's upload, PROCESSING; a worker takes it from there. */
  async submit(viewer: Viewer, input: { uploadId: string }): Promise<Receipt> {
    const uploadId = uuid('input.uploadId', input.uploadId);
    const upload = await findUpload(this.deps.db, uploadId);
    if (!upload) throw notFound('Upload');
    if (upload.userId !== viewer.userId) throw forbidden('This upload is not yours');
    if (upload.receiptId) throw conflict('This upload was already submitted', 'input.uploadId');
    if (upload.expiresAt <= this.deps.now())
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'This upload expired: upload the file again', {
        field: 'input.uploadId',
        reason: 'UPLOAD_EXPIRED',
      });
    const receiptId = randomUUID();
    const receipt = await inTransaction(this.deps.db, async (tx) => {
      if (!(await takeUpload(tx, uploadId, receiptId))) return null;
      return createReceipt(tx, {
        id: receiptId,
        userId: viewer.userId,
        uploadId,
        contentHash: upload.sha256,
        storageKey: upload.storageKey,
        contentType: upload.contentType,
      });
    });
    if (!receipt) throw conflict('This upload was already submitted', 'input.uploadId');
    await this.deps.updates.changed(receipt);
    return receipt;
  }

  /** A receipt its owner or an ADMIN may read; another user is FORBIDDEN. */
  async get(viewer: Viewer | null, id: string): Promise<Receipt> {
    const receipt = await findReceipt(this.deps.db, uuid('id', id));
    if (!receipt) throw notFound('Receipt');
    if (!isSelfOrAdmin(viewer, receipt.userId)) throw forbidden('Only its owner and ADMIN may see a receipt');
    return receipt;
  }

  /** A user's receipts, newest first (the user themself or ADMIN). */
  async ofUser(
    viewer: Viewer | null,
    userId: string,
    args: { filter?: { status?: ReceiptStatus | null } | null; first?: number | null; after?: string | null },
  ) {
    if (!isSelfOrAdmin(viewer, userId)) throw forbidden("Only the user and ADMIN may list a user's receipts");
    const first = pageSize(args.first);
    const where = { userId, ...(args.filter?.status ? { status: args.filter.status } : {}) };
    const rows = await listReceipts(this.deps.db, where, cursor.decode(args.after), first + 1);
    return toConnection(rows, first, await countReceipts(this.deps.db, where), (r) =>
      cursor.encode({ c: r.createdAt, i: r.id }),
    );
  }

  /** ADMIN: receipts waiting for review, oldest first. */
  async toReview(args: { first?: number | null; after?: string | null }) {
    const first = pageSize(args.first);
    const where = { status: 'NEEDS_REVIEW' as const };
    const rows = await listReceipts(this.deps.db, where, cursor.decode(args.after), first + 1, 'asc');
    return toConnection(rows, first, await countReceipts(this.deps.db, where), (r) =>
      cursor.encode({ c: r.createdAt, i: r.id }),
    );
  }

  /**
   * ADMIN: decides a receipt waiting for review, with corrections to what was read. Approving
   * needs a total, a date and a currency, and goes through the same rules as the worker
   * (plausibility, duplicates; not the daily limit, which counted it already).
   */
  async review(
    viewer: Viewer,
    args: { id: string; decision: 'APPROVE' | 'REJECT'; corrections?: Corrections | null; reason?: string | null },
  ): Promise<Receipt> {
    if (!isAdmin(viewer)) throw forbidden('Only ADMIN reviews receipts');
    const receipt = await findReceipt(this.deps.db, uuid('id', args.id));
    if (!receipt) throw notFound('Receipt');
    if (receipt.status !== 'NEEDS_REVIEW')
      throw conflict(`The receipt is ${receipt.status}, not waiting for review`, 'id');
    const fields = corrected(args.corrections ?? {});
    const merged = { ...receipt, ...fields };
    if (args.decision === 'APPROVE') {
      if (merged.totalCents === null) throw badInput('corrections.totalCents', 'Approving needs the total');
      if (!merged.purchasedAt) throw badInput('corrections.purchasedAt', 'Approving needs the purchase date');
      if (!merged.currency) throw badInput('corrections.currency', 'Approving needs the currency');
    }
    const reason = args.reason ? text('reason', args.reason, { max: 40 }) : undefined;
    const settled = await inTransaction(this.deps.db, (tx) =>
      settle(
        tx,
        receipt,
        {
          status: args.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED',
          fields: {
            ...fields,
            ...(Object.keys(fields).length ? { method: 'MANUAL' } : {}),
            reviewedById: viewer.userId,
            ...(args.decision === 'REJECT' ? { rejectionReason: reason ?? 'REVIEW_REJECTED' } : {}),
          },
        },
        { settings: this.deps.settings, timeZone: this.deps.timeZone, now: this.deps.now(), countsTowardsLimit: false },
        async (status, f) => {
          const decided = await decideIfPending(tx, receipt.id, status, f);
          if (!decided) throw conflict('The receipt was decided meanwhile', 'id');
          return decided;
        },
      ),
    );
    await this.deps.updates.changed(settled);
    return settled;
  }
}

function corrected(c: Corrections) {
  const fields: Partial<
    Pick<Receipt, 'merchantName' | 'merchantTaxId' | 'receiptNumber' | 'purchasedAt' | 'totalCents' | 'currency'>
  > = {};
  if (c.merchantName != null)
    fields.merchantName = text('corrections.merchantName', c.merchantName, { min: 1, max: 200 });
  if (c.merchantTaxId != null) {
    const id = normalizeTaxId(c.merchantTaxId);
    if (!taxIdKind(id))
      throw badInput('corrections.merchantTaxId', 'Not a valid NIF/CIF, RFC, CUIT or RUC (check digit)');
    fields.merchantTaxId = id;
  }
  if (c.receiptNumber != null)
    fields.receiptNumber = text('corrections.receiptNumber', c.receiptNumber, { min: 1, max: 80 });
  if (c.purchasedAt != null) fields.purchasedAt = c.purchasedAt;
  if (c.totalCents != null) {
    if (!Number.isInteger(c.totalCents) || c.totalCents < 0)
      throw badInput('corrections.totalCents', 'totalCents must be a whole number of cents, not negative');
    fields.totalCents = c.totalCents;
  }
  if (c.currency != null) fields.currency = currencyCode('corrections.currency', c.currency);
  return fields;
}
