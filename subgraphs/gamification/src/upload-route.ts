import { PassThrough } from 'node:stream';
import type { Express } from 'express';
import { secretMatches } from '../../../shared/auth/secret';
import { CREDENTIAL_HEADER, viewerOfCall, type CallerAuthentication } from '../../../shared/auth/credential';
import { refusedWith401 } from '../../../shared/auth/tokens';
import { DomainError, ErrorCode } from '../../../shared/errors';
import type { Logger } from '../../../shared/logger';
import { refuseUpload } from '../../../shared/uploads';
import type { ReceiptService } from './domain/receipts/receipt-service';

/**
 * `POST /uploads/receipts`: the receipt file as the raw request body, from the gateway (which
 * streams it through; the subgraph secret, when configured, proves it). Answers 201
 * `{ uploadId, expiresAt, contentType, sizeBytes }`, or an error in GraphQL's shape with its
 * code: 401 UNAUTHENTICATED, 413 PAYLOAD_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE, 400 BAD_USER_INPUT (empty).
 */
export function mountReceiptUploads(
  app: Express,
  deps: {
    receipts: ReceiptService;
    auth: CallerAuthentication;
    subgraphSecret?: string;
    maxBytes: number;
    logger: Logger;
  },
): void {
  app.post('/uploads/receipts', async (req, res) => {
    const drain = deps.maxBytes * 2;
    if (deps.subgraphSecret && !secretMatches(deps.subgraphSecret, req.header('x-subgraph-secret'))) {
      refuseUpload(req, res, ErrorCode.FORBIDDEN, 'Forbidden', drain);
      return;
    }
    try {
      const viewer = await refusedWith401(() =>
        viewerOfCall(
          { credential: req.header(CREDENTIAL_HEADER), authorization: req.header('authorization') },
          deps.auth,
        ),
      );
      if (!viewer) {
        refuseUpload(req, res, ErrorCode.UNAUTHENTICATED, 'Authentication required', drain);
        return;
      }
      const declared = Number(req.header('content-length') ?? NaN);
      if (declared > deps.maxBytes) {
        refuseUpload(req, res, ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${deps.maxBytes} bytes`, drain, {
          maxBytes: deps.maxBytes,
        });
        return;
      }
      // A refusal mid-stream destroys this pass-through, not the request: the rest of the
      // body is then drained and the client reads the answer.
      const body = req.pipe(new PassThrough());
      // The client (or the gateway) gave up mid-body: the store drops what it had.
      req.once('close', () => {
        if (!req.complete) body.destroy(new Error('The upload was interrupted'));
      });
      const upload = await deps.receipts.receiveUpload(viewer, body);
      res.status(201).json(upload);
    } catch (err) {
      if (err instanceof DomainError) {
        refuseUpload(req, res, String(err.extensions.code), err.message, drain, { ...err.extensions, http: undefined });
        return;
      }
      deps.logger.error('receipt upload failed', { error: (err as Error).message });
      refuseUpload(req, res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', drain);
    }
  });
}
