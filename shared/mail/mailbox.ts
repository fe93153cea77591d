/**
 * The development mailbox: a real SMTP server (smtp-server) on localhost that accepts every
 * message and stores it, raw, as one `.eml` file in a folder. `npm start` runs one when no
 * SMTP_URL is set and points notifications at it; the gateway's `/dev/mailbox` page
 * (development only) lists the folder; the tests run one per stack and read what arrived.
 * Nothing here is a mock: notifications talks SMTP to it exactly as to a production server.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A stored message, parsed. */
export interface StoredMail {
  /** The file's name without `.eml`: sortable by arrival. */
  id: string;
  receivedAt: Date;
  /** The SMTP envelope's recipients. */
  to: string[];
  from: string;
  subject: string;
  html: string | null;
  text: string;
  /** Every header, lower-cased names (the first value of a repeated one). */
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; contentId: string | null; inline: boolean; content: Buffer }[];
}

export interface Mailbox {
  /** `smtp://127.0.0.1:<port>`: what SMTP_URL is set to. */
  url: string;
  port: number;
  dir: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<StoredMail[]>;
  stop(): Promise<void>;
}

/** Largest message accepted (tickets' QR images are a few kilobytes each). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * Starts the mailbox on `host:port` (port 0: any free port), storing into `dir` (created if
 * missing). Any sender, no authentication, no TLS: it only ever listens on loopback.
 */
export async function startMailbox(options: { dir: string; port?: number; host?: string }): Promise<Mailbox> {
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  let sequence = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope.rcptTo.map((r) => r.address).join(', ');
        const id = `${Date.now().toString().padStart(15, '0')}-${String(sequence++).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
        const raw = Buffer.concat([Buffer.from(`X-Mailbox-Rcpt-To: ${envelope}\r\n`), ...chunks]);
        writeFile(path.join(dir, `${id}.eml`), raw).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`,
    port,
    dir,
    messages: () => readMailbox(dir),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Parses every `.eml` file of `dir`, oldest first (none when the folder does not exist). */
export async function readMailbox(dir: string): Promise<StoredMail[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(files.map((file) => readStoredMail(dir, file)));
}

async function readStoredMail(dir: string, file: string): Promise<StoredMail> {
  // cid: links stay as written (the page maps them to attachment URLs; tests match them).
  const parsed = await simpleParser(await readFile(path.join(dir, file)), { keepCidLinks: true });
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) {
    const name = line.key.toLowerCase();
    headers[name] ??= line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  const id = file.replace(/\.eml$/, '');
  return {
    id,
    receivedAt: new Date(Number(id.split('-')[0])),
    to: (headers['x-mailbox-rcpt-to'] ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    from: parsed.from?.text ?? '',
    subject: parsed.subject ?? '',
    html: parsed.html || null,
    text: parsed.text ?? '',
    headers,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.contentType,
      contentId: a.cid ?? null,
      inline: a.contentDisposition === 'inline',
      content: a.content,
    })),
  };
}
