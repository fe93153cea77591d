/**
 * `/dev/mailbox` (development only): the mails the development mailbox of `npm start`
 * received (shared/mail/mailbox.ts), newest first, each with its HTML, text, headers and
 * attachments. The production gateway does not mount it (404).
 */
import { Router } from 'express';
import { html, type SafeHtml } from '../../shared/mail/html';
import { readMailbox, type StoredMail } from '../../shared/mail/mailbox';

const page = (title: string, body: SafeHtml) =>
  html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            margin: 24px;
          }
          table {
            border-collapse: collapse;
          }
          td,
          th {
            padding: 6px 10px;
            border-bottom: 1px solid #ddd;
            text-align: left;
          }
          iframe {
            width: 100%;
            height: 70vh;
            border: 1px solid #ccc;
          }
          pre {
            white-space: pre-wrap;
            background: #f6f6f6;
            padding: 12px;
          }
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`.value;

/** The mail's HTML with its inline images (`cid:`) pointing at their attachment URLs. */
function withInlineImages(mail: StoredMail): string {
  let out = mail.html ?? '';
  mail.attachments.forEach((a, i) => {
    if (a.contentId) out = out.split(`cid:${a.contentId}`).join(`/dev/mailbox/${mail.id}/attachments/${i}`);
  });
  return out;
}

export function mailboxRoutes(dir: string): Router {
  const router = Router();
  const find = async (id: string) => (await readMailbox(dir)).find((m) => m.id === id);

  router.get('/', async (_req, res) => {
    const mails = (await readMailbox(dir)).reverse();
    const rows = mails.map(
      (m) =>
        html`<tr>
          <td>${m.receivedAt.toISOString()}</td>
          <td>${m.to.join(', ')}</td>
          <td><a href="/dev/mailbox/${m.id}">${m.subject || '(no subject)'}</a></td>
          <td>${m.attachments.length}</td>
        </tr>`,
    );
    res.type('html').send(
      page(
        'Mailbox',
        html`<h1>Mailbox</h1>
          <p>
            ${mails.length} mail(s) sent by the platform in development (JSON:
            <a href="/dev/mailbox/messages.json">messages.json</a>).
          </p>
          <table>
            <tr>
              <th>Received</th>
              <th>To</th>
              <th>Subject</th>
              <th>Attachments</th>
            </tr>
            ${rows}
          </table>`,
      ),
    );
  });

  router.get('/messages.json', async (_req, res) => {
    const mails = (await readMailbox(dir)).reverse();
    res.json(
      mails.map(({ attachments, ...m }) => ({
        ...m,
        attachments: attachments.map((a, i) => ({
          filename: a.filename,
          contentType: a.contentType,
          contentId: a.contentId,
          size: a.content.length,
          url: `/dev/mailbox/${m.id}/attachments/${i}`,
        })),
      })),
    );
  });

  router.get('/:id', async (req, res) => {
    const mail = await find(req.params.id);
    if (!mail) return void res.status(404).type('text/plain').send('No such mail\n');
    const headers = Object.entries(mail.headers).map(
      ([k, v]) =>
        html`<tr>
          <th>${k}</th>
          <td>${v}</td>
        </tr>`,
    );
    const files = mail.attachments.map(
      (a, i) =>
        html`<li>
          <a href="/dev/mailbox/${mail.id}/attachments/${i}">${a.filename}</a> (${a.contentType}, ${a.content.length}
          bytes${a.contentId ? ', inline' : ''})
        </li>`,
    );
    res.type('html').send(
      page(
        mail.subject,
        html`<p><a href="/dev/mailbox">← Mailbox</a></p>
          <h1>${mail.subject}</h1>
          <p>From ${mail.from} to ${mail.to.join(', ')}, ${mail.receivedAt.toISOString()}</p>
          ${
            mail.html
              ? html`<h2>HTML</h2>
                  <iframe sandbox src="/dev/mailbox/${mail.id}/html"></iframe>`
              : ''
          }
          <h2>Text</h2>
          <pre>${mail.text}</pre>
          <h2>Attachments</h2>
          <ul>
            ${files}
          </ul>
          <h2>Headers</h2>
          <table>
            ${headers}
          </table>`,
      ),
    );
  });

  router.get('/:id/html', async (req, res) => {
    const mail = await find(req.params.id);
    if (!mail?.html) return void res.status(404).type('text/plain').send('No such mail\n');
    // The mail is shown as a mail client would: no scripts, images only from here.
    res.set('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    res.type('html').send(withInlineImages(mail));
  });

  router.get('/:id/attachments/:index', async (req, res) => {
    const mail = await find(req.params.id);
    const attachment = mail?.attachments[Number(req.params.index)];
    if (!attachment) return void res.status(404).type('text/plain').send('No such attachment\n');
    res.type(attachment.contentType).send(attachment.content);
  });

  return router;
}
