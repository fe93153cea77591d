import type { ClientAddress } from './client-address';
import { viewerIdentity } from './subgraphs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { RequestHandler } from 'express';
import { CREDENTIAL_HEADER, type CredentialSigner } from '../../shared/auth/credential';
import { authenticateHttpRequest, type TokenVerifier } from '../../shared/auth/tokens';
import { DomainError, ErrorCode } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { refuseUpload } from '../../shared/uploads';

/** Incoming `x-request-id` values are kept only when they look like ids. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

class TooLarge extends Error {}

/** Counts bytes through, failing past `max`. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) callback(new TooLarge());
    else callback(null, chunk);
  }
}

/**
 * `POST /uploads/receipts` at the gateway (the one published endpoint): checks the bearer token,
 * refuses a declared or streamed size over `maxBytes` (413), and streams the body to the
 * gamification subgraph's upload route as it arrives (never holding it whole), which sniffs
 * the type, stores it and answers the upload id; that answer is passed back as is.
 */
export function receiptUploadProxy(deps: {
  /** gamification's upload URL; undefined when the supergraph has no gamification subgraph. */
  target: string | undefined;
  maxBytes: number;
  verifier: TokenVerifier;
  /** Mints the viewer credential gamification trusts; absent: the token is forwarded (development). */
  sign?: CredentialSigner;
  subgraphSecret?: string;
  clientAddress: ClientAddress;
  logger: Logger;
}): RequestHandler {
  const drain = deps.maxBytes * 2;
  return async (req, res) => {
    if (!deps.target) {
      refuseUpload(req, res, ErrorCode.SERVICE_UNAVAILABLE, 'Receipt uploads are not served here', drain);
      return;
    }
    const authorization = req.header('authorization');
    let identity: ReturnType<typeof viewerIdentity>;
    try {
      const viewer = await authenticateHttpRequest(authorization, deps.verifier);
      if (!viewer) {
        refuseUpload(req, res, ErrorCode.UNAUTHENTICATED, 'Authentication required (a bearer token)', drain);
        return;
      }
      identity = viewerIdentity(viewer, authorization, deps.sign);
    } catch (err) {
      if (err instanceof DomainError) {
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        refuseUpload(req, res, ErrorCode.UNAUTHENTICATED, err.message, drain);
        return;
      }
      throw err;
    }
    const declared = req.header('content-length');
    if (declared !== undefined && Number(declared) > deps.maxBytes) {
      refuseUpload(req, res, ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${deps.maxBytes} bytes`, drain, {
        maxBytes: deps.maxBytes,
      });
      return;
    }
    const incomingId = req.header('x-request-id');
    const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('x-request-id', requestId);
    const headers: http.OutgoingHttpHeaders = {
      ...(identity.credential ? { [CREDENTIAL_HEADER]: identity.credential } : { authorization }),
      'content-type': 'application/octet-stream',
      'x-request-id': requestId,
      'x-forwarded-for': deps.clientAddress(req),
      ...(declared !== undefined ? { 'content-length': declared } : {}),
      ...(deps.subgraphSecret ? { 'x-subgraph-secret': deps.subgraphSecret } : {}),
    };
    const upstream = http.request(deps.target, { method: 'POST', headers });
    const limit = new ByteLimit(deps.maxBytes);
    let failed = false;
    const fail = (code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) => {
      if (failed) return;
      failed = true;
      req.unpipe(limit);
      limit.unpipe(upstream);
      upstream.destroy();
      refuseUpload(req, res, code, message, drain, extensions);
    };
    upstream.on('response', (answer) => {
      if (failed) return;
      res.status(answer.statusCode ?? 502);
      const type = answer.headers['content-type'];
      if (type) res.setHeader('content-type', type);
      answer.pipe(res);
      // The subgraph answered (a refusal mid-stream, say): what the client still sends is drained.
      req.unpipe(limit);
      req.resume();
    });
    upstream.on('error', (err) => {
      if (res.headersSent || failed) return;
      deps.logger.warn('receipt upload: gamification unreachable', { error: err.message, requestId });
      fail(ErrorCode.SERVICE_UNAVAILABLE, 'The receipt service is unavailable; try again later');
    });
    limit.on('error', () =>
      fail(ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${deps.maxBytes} bytes`, { maxBytes: deps.maxBytes }),
    );
    req.pipe(limit).pipe(upstream);
  };
}
