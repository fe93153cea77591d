import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from './errors';

/** HTTP statuses of upload refusals, by error code. */
export const UPLOAD_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.SERVICE_UNAVAILABLE]: 502,
};

/**
 * Answers an upload with an error in GraphQL's error shape (`{ errors: [{ message, extensions:
 * { code } }] }`), after discarding what is left of its body (up to `drainBytes`, then the
 * connection is closed): a client still sending reads the answer instead of a reset
 * connection, and nothing it sent is kept.
 */
export function refuseUpload(
  req: IncomingMessage,
  res: ServerResponse,
  code: string,
  message: string,
  drainBytes: number,
  extensions: Record<string, unknown> = {},
): void {
  const send = () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = UPLOAD_STATUS[code] ?? 500;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] }));
  };
  if (req.readableEnded || req.destroyed) {
    send();
    return;
  }
  let drained = 0;
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainBytes) {
      req.off('data', onData);
      res.setHeader('connection', 'close');
      send();
      req.destroy();
    }
  };
  req.on('data', onData);
  req.once('end', send);
  req.once('error', () => res.destroy());
  req.resume();
}
