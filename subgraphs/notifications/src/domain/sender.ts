/**
 * The sender: takes due notifications from the outbox and hands them to the SMTP server
 * (nodemailer), recording every attempt. A refusal (5xx) fails a mail at once, with the
 * server's reason; anything else (server down, timeout, 4xx) is retried with exponential
 * backoff until `maxAttempts`, so an SMTP outage delays mail and loses none. Safe with several
 * instances: each takes its own rows (`claimDue`, `SKIP LOCKED` with a lease).
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import QRCode from 'qrcode';
import type { Db } from '../../../../shared/db';
import type { Logger } from '../../../../shared/logger';
import { claimDue, recordAttempt, type Notification } from '../data/notifications';
import { ensurePreferences } from '../data/preferences';
import type { MailSettings } from '../settings';
import type { QrImage } from './templates';

/** How long a taken mail is reserved for its sender (far more than one SMTP exchange). */
const LEASE_MS = 120_000;

/** The QR code of a ticket as a PNG a door scanner reads from a phone screen. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 320 });
}

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
}

export class MailSender {
  private readonly transport: Transporter;

  constructor(private readonly deps: { db: Db; settings: MailSettings; logger: Logger; now?: () => Date }) {
    this.transport = nodemailer.createTransport(deps.settings.smtpUrl);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** One pass: sends what is due; resolves with how many it tried. */
  async runOnce(): Promise<number> {
    const { db, settings } = this.deps;
    const due = await claimDue(db, this.now(), settings.batchSize, LEASE_MS);
    for (const n of due) await this.deliver(n);
    return due.length;
  }

  close(): void {
    this.transport.close();
  }

  private async deliver(n: Notification): Promise<void> {
    const { db, settings } = this.deps;
    let outcome: { ok: boolean; response: string; permanent: boolean };
    try {
      const info = (await this.transport.sendMail(await this.message(n))) as { response?: string };
      outcome = { ok: true, response: info.response ?? 'accepted', permanent: false };
    } catch (err) {
      const e = err as SmtpError;
      const code = e.responseCode;
      outcome = {
        ok: false,
        response: e.response ?? e.message,
        permanent: code !== undefined && code >= 500 && code < 600,
      };
    }
    const at = this.now();
    const attempts = n.attempts + 1;
    if (outcome.ok) {
      await recordAttempt(
        db,
        n.id,
        { at, ...outcome },
        { status: 'SENT', nextAttemptAt: at, lastError: null, sentAt: at },
      );
      return;
    }
    const giveUp = outcome.permanent || attempts >= settings.maxAttempts;
    const reason = outcome.permanent ? outcome.response : `${outcome.response} (attempt ${attempts})`;
    const delay = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** (attempts - 1));
    await recordAttempt(
      db,
      n.id,
      { at, ...outcome },
      {
        status: giveUp ? 'FAILED' : 'PENDING',
        nextAttemptAt: new Date(at.getTime() + (giveUp ? 0 : delay)),
        lastError: reason,
        sentAt: null,
      },
    );
    const log = giveUp ? this.deps.logger.error : this.deps.logger.warn;
    log.call(this.deps.logger, giveUp ? 'mail given up' : 'mail attempt failed; will retry', {
      notificationId: n.id,
      attempts,
      error: outcome.response,
    });
  }

  /** The mail: HTML and text, each QR code inline (`cid`) and attached, and for marketing the RFC 8058 headers. */
  private async message(n: Notification): Promise<SendMailOptions> {
    const { settings } = this.deps;
    const images = n.images as unknown as QrImage[];
    const attachments: SendMailOptions['attachments'] = [];
    for (const image of images) {
      // Drawing a QR code is synchronous work: one at a time, yielding in between, so other
      // requests of this process are served while a mail of many tickets is prepared.
      await new Promise((resolve) => setImmediate(resolve));
      const content = await qrPng(image.qr);
      attachments.push(
        { filename: image.filename, content, contentType: 'image/png', cid: image.cid, contentDisposition: 'inline' },
        { filename: image.filename, content, contentType: 'image/png' },
      );
    }
    const headers: Record<string, string> = { 'X-Notification-Id': n.id, 'X-Notification-Kind': n.template };
    if (n.category === 'MARKETING' && n.userId) {
      const prefs = await ensurePreferences(this.deps.db, n.userId);
      const url = new URL('/unsubscribe', settings.appUrl);
      url.searchParams.set('token', prefs.unsubscribeToken);
      headers['List-Unsubscribe'] = `<${url.toString()}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    return {
      from: settings.from,
      replyTo: settings.replyTo,
      to: n.toEmail,
      subject: n.subject,
      html: n.html,
      text: n.text,
      attachments,
      headers,
    };
  }
}
