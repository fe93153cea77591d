import * as templates from '../src/domain/templates';
import type { Lang, Rendered } from '../src/domain/templates';

/**
 * Every template, in both languages, with markup in every piece of user-supplied text (names,
 * titles, subjects, reasons, replies, links): none of it reaches the HTML as markup. A template
 * added without a case here fails the first test.
 */
const EVIL = `<script>alert(1)</script>"'&`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
const link = `http://app.test/x?a=1&b="><script>alert(1)</script>`;
const when = '2026-05-01T18:00:00.000Z';

const CASES: Record<string, (lang: Lang) => Rendered[]> = {
  accountMail: (lang) =>
    (['email-verification', 'password-reset'] as const).map((kind) =>
      templates.accountMail(kind, lang, { name: EVIL, link, expiresAt: when }),
    ),
  orderConfirmation: (lang) => [
    templates.orderConfirmation(lang, {
      name: EVIL,
      orderId: 'abcdef12-0000-4000-8000-000000000000',
      currency: 'EUR',
      totalCents: 2500,
      lines: [{ label: EVIL, ticket: true, quantity: 1, unitPriceCents: 2500 }],
      tickets: [
        {
          ticketId: 't1',
          eventTitle: EVIL,
          ticketTypeName: EVIL,
          startsAt: when,
          venueName: EVIL,
          image: { filename: 'a.png', cid: EVIL, qr: 'qr' },
        },
      ],
      link,
    }),
  ],
  orderRefunded: (lang) => [
    templates.orderRefunded(lang, {
      name: EVIL,
      orderId: 'abcdef12',
      amountCents: 100,
      currency: 'EUR',
      reason: EVIL,
      link,
    }),
  ],
  orderClosed: (lang) =>
    (['CANCELLED', 'EXPIRED', 'PAYMENT_FAILED'] as const).map((status) =>
      templates.orderClosed(lang, { name: EVIL, orderId: 'abcdef12', status }),
    ),
  eventCancelled: (lang) => [templates.eventCancelled(lang, { name: EVIL, eventTitle: EVIL, reason: EVIL })],
  supportWidgetTicket: (lang) => [templates.supportWidgetTicket(lang, { name: EVIL, number: 7, subject: EVIL, link })],
  supportReply: (lang) =>
    [true, false].map((guest) =>
      templates.supportReply(lang, { name: EVIL, number: 7, subject: EVIL, body: `${EVIL}\n${EVIL}`, guest, link }),
    ),
  supportSlaBreached: (lang) => [
    templates.supportSlaBreached(lang, { name: EVIL, number: 7, subject: EVIL, priority: 'HIGH', link }),
  ],
  levelReached: (lang) => [templates.levelReached(lang, { name: EVIL, level: EVIL, lifetimePoints: 100, link })],
  badgeAwarded: (lang) => [templates.badgeAwarded(lang, { name: EVIL, badge: EVIL, link })],
  lowStockDigest: (lang) => [
    templates.lowStockDigest(lang, {
      name: EVIL,
      day: '2026-05-01',
      products: [{ productName: EVIL, available: 2 }],
      link,
    }),
  ],
  challengeWon: (lang) => [
    templates.challengeWon(lang, { name: EVIL, challenge: EVIL, rewardPoints: 10, badgeName: EVIL, link }),
  ],
};

/** The module's exports that are not templates. */
const HELPERS = new Set(['langOf', 'money']);

test('every template has a case here', () => {
  const exported = Object.entries(templates)
    .filter(([name, value]) => typeof value === 'function' && !HELPERS.has(name))
    .map(([name]) => name)
    .sort();
  expect(exported).toEqual(Object.keys(CASES).sort());
});

describe.each(Object.keys(CASES))('%s', (name) => {
  test.each(['es', 'en'] as const)('escapes user text in the HTML (%s)', (lang) => {
    for (const mail of CASES[name]!(lang)) {
      expect(mail.html).not.toContain('<script');
      expect(mail.html).toContain(ESCAPED);
      // The plain text (and the subject, a header) stay plain: nothing there is markup.
      expect(`${mail.text}${mail.subject}${mail.summary}`).toContain('<script>alert(1)</script>');
    }
  });
});
