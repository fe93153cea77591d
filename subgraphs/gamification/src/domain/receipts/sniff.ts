import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DomainError, ErrorCode } from '../../../../../shared/errors';

/** The receipt file types accepted, by their content. */
export type ReceiptContentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** Bytes needed to tell every accepted type apart. */
const HEAD_BYTES = 12;

/**
 * The type of a file from its first bytes (magic numbers), never from its name or the
 * client's Content-Type: JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, WebP `RIFF....WEBP`,
 * PDF `%PDF-`. Undefined for anything else.
 */
export function sniffContentType(head: Buffer): ReceiptContentType | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  if (head.length >= 5 && head.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return undefined;
}

export const unsupportedType = () =>
  new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The file is not a JPEG, PNG, WebP or PDF (judged by its content)');
export const tooLarge = (maxBytes: number) =>
  new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${maxBytes} bytes`, { maxBytes });
export const emptyUpload = () => new DomainError(ErrorCode.BAD_USER_INPUT, 'The upload is empty', { field: 'body' });

/**
 * Passes an upload through while checking it: holds back the first bytes until the type is
 * known (refusing the stream before anything is written when it is not accepted), fails as
 * soon as more than `maxBytes` went through, and hashes what passed (SHA-256).
 */
export class UploadInspector extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private passed = 0;
  private readonly hash = createHash('sha256');
  contentType?: ReceiptContentType;

  constructor(private readonly maxBytes: number) {
    super();
  }

  get sizeBytes(): number {
    return this.passed;
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private let(chunk: Buffer, callback: TransformCallback): void {
    this.passed += chunk.length;
    if (this.passed > this.maxBytes) {
      callback(tooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.contentType) {
      this.let(chunk, callback);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < HEAD_BYTES) {
      callback();
      return;
    }
    this.decide(callback);
  }

  private decide(callback: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.contentType = sniffContentType(head);
    if (!this.contentType) {
      callback(head.length === 0 ? emptyUpload() : unsupportedType());
      return;
    }
    this.let(head, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.contentType) {
      callback();
      return;
    }
    this.decide((err, data) => {
      if (err) callback(err);
      else callback(null, data);
    });
  }
}
