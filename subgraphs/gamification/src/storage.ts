import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';

/**
 * Where receipt files live: a small interface so a deployment can put them in an object
 * store; the default (`LocalFileStorage`) writes under RECEIPT_STORAGE_DIR (`.data/receipts`,
 * a volume in docker-compose). Keys are opaque paths made of UUIDs (`originals/<uploadId>`).
 */
export interface ReceiptStorage {
  /**
   * Streams `body` through `through` (which may refuse it by failing) into `key`. Nothing is
   * left under `key`, or anywhere, when it fails: the bytes go to a temporary file that is
   * renamed into place only once the whole body passed.
   */
  putStream(key: string, body: Readable, through: Transform): Promise<void>;
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

export class LocalFileStorage implements ReceiptStorage {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!/^[a-z]+\/[0-9a-f-]{36}(\.[a-z]+)?$/.test(key)) throw new Error(`Invalid storage key ${key}`);
    return path.join(this.root, key);
  }

  async putStream(key: string, body: Readable, through: Transform): Promise<void> {
    const target = this.pathOf(key);
    const tmpDir = path.join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    try {
      await pipeline(body, through, createWriteStream(tmp, { flags: 'wx' }));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
