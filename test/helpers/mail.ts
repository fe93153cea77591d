import type { StoredMail } from '../../shared/mail/mailbox';
import { eventually } from './eventually';
import type { Stack } from './stack';

/** Every mail the stack's SMTP server received for `address` (its envelope), oldest first. */
export const mailsTo = async (stack: Stack, address: string): Promise<StoredMail[]> =>
  (await stack.mailbox.messages()).filter((m) => m.to.includes(address));

/** Waits for the first mail to `address` whose subject matches. */
export const mailTo = (stack: Stack, address: string, subject: RegExp, timeoutMs = 40_000): Promise<StoredMail> =>
  eventually(async () => (await mailsTo(stack, address)).find((m) => subject.test(m.subject)), {
    what: `a mail to ${address} (${subject})`,
    timeoutMs,
  });

/**
 * The first link in a mail's plain text whose path is `path`, parsed: what a reader clicking
 * it opens (the token or visitor token rides in its query).
 */
export function linkIn(mail: StoredMail, path: string): URL {
  for (const match of mail.text.matchAll(/https?:\/\/\S+/g)) {
    const url = new URL(match[0]);
    if (url.pathname === path) return url;
  }
  throw new Error(`no ${path} link in the mail "${mail.subject}":\n${mail.text}`);
}
