/**
 * The mails, in Spanish and English: each template turns its data into a subject, a one-line
 * summary (the feed), HTML and plain text. The language is the recipient's locale (`es*`:
 * Spanish; anything else: English). User-supplied text is escaped in the HTML (`html`).
 */
import { html, type SafeHtml } from '../../../../shared/mail/html';

export type Lang = 'es' | 'en';

export function langOf(locale: string | null | undefined): Lang {
  return (locale ?? 'es').toLowerCase().startsWith('es') ? 'es' : 'en';
}

/** What a template gives. `images` are QR codes the sender attaches as PNG (inline and as files). */
export interface Rendered {
  subject: string;
  summary: string;
  html: string;
  text: string;
}

/** A QR code to attach: `cid` is how the HTML refers to it. */
export interface QrImage {
  filename: string;
  cid: string;
  qr: string;
}

const LOCALES: Record<Lang, string> = { es: 'es-ES', en: 'en-GB' };

export function money(lang: Lang, cents: number, currency: string): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency }).format(cents / 100);
}

function when(lang: Lang, iso: string): string {
  return (
    new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
      new Date(iso),
    ) + ' UTC'
  );
}

/** The frame of every mail: a greeting, the body, a footer. */
function layout(lang: Lang, name: string | null, body: SafeHtml, footer?: SafeHtml): string {
  const hello = lang === 'es' ? 'Hola' : 'Hello';
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
      </head>
      <body style="font-family: system-ui, sans-serif; color: #1a1a1a; max-width: 640px; margin: auto">
        <p>${hello}${name ? html` ${name}` : ''},</p>
        ${body}
        <hr />
        <p style="color: #666; font-size: 12px">
          ${footer ?? (lang === 'es' ? 'Ticketing: este mensaje se envió automáticamente.' : 'Ticketing: this message was sent automatically.')}
        </p>
      </body>
    </html>`.value;
}

function textOf(lang: Lang, name: string | null, lines: string[]): string {
  const hello = lang === 'es' ? 'Hola' : 'Hello';
  return [`${hello}${name ? ` ${name}` : ''},`, '', ...lines, ''].join('\n');
}

const button = (href: string, label: string) =>
  html`<p>
    <a
      href="${href}"
      style="background: #0b57d0; color: #fff; padding: 10px 16px; border-radius: 6px; text-decoration: none"
      >${label}</a
    >
  </p>`;

export interface LinkMail {
  name: string;
  link: string;
  expiresAt: string;
}

/** The account mails: a link proving the address (verification) or choosing a new password (reset). */
export type AccountMailKind = 'email-verification' | 'password-reset';

const ACCOUNT_TEXTS: Record<
  AccountMailKind,
  Record<Lang, { subject: string; intro: string; action: string; expires: (at: string) => string }>
> = {
  'email-verification': {
    es: {
      subject: 'Confirma tu dirección de correo',
      intro: 'Confirma que esta dirección es tuya para terminar de configurar tu cuenta.',
      action: 'Confirmar correo',
      expires: (at) => `El enlace caduca el ${at}. Si no creaste una cuenta, ignora este mensaje.`,
    },
    en: {
      subject: 'Confirm your email address',
      intro: 'Confirm this address is yours to finish setting up your account.',
      action: 'Confirm email',
      expires: (at) => `The link expires on ${at}. If you did not create an account, ignore this message.`,
    },
  },
  'password-reset': {
    es: {
      subject: 'Restablece tu contraseña',
      intro: 'Alguien pidió restablecer la contraseña de tu cuenta.',
      action: 'Elegir una contraseña nueva',
      expires: (at) =>
        `El enlace sirve una vez y caduca el ${at}. Si no fuiste tú, ignora este mensaje: tu contraseña no cambia.`,
    },
    en: {
      subject: 'Reset your password',
      intro: 'Someone asked to reset the password of your account.',
      action: 'Choose a new password',
      expires: (at) =>
        `The link works once and expires on ${at}. If it was not you, ignore this message: your password stays as it is.`,
    },
  },
};

export function accountMail(kind: AccountMailKind, lang: Lang, d: LinkMail): Rendered {
  const t = ACCOUNT_TEXTS[kind][lang];
  const expires = t.expires(when(lang, d.expiresAt));
  return {
    subject: t.subject,
    summary: t.intro,
    html: layout(
      lang,
      d.name,
      html`<p>${t.intro}</p>
        ${button(d.link, t.action)}
        <p>${expires}</p>`,
    ),
    text: textOf(lang, d.name, [t.intro, '', `${t.action}: ${d.link}`, '', expires]),
  };
}

/** A line of an order as the mail shows it. */
export interface OrderLineView {
  /** The ticket type and event, or null when unknown (a product: orders' events carry no names). */
  label: string | null;
  ticket: boolean;
  quantity: number;
  unitPriceCents: number;
}

/** A ticket as the mail shows it; `image` is its QR code's `cid`. */
export interface TicketView {
  ticketId: string;
  eventTitle: string;
  ticketTypeName: string;
  startsAt: string | null;
  venueName: string | null;
  image: QrImage | null;
}

export interface OrderConfirmation {
  name: string;
  orderId: string;
  currency: string;
  totalCents: number;
  lines: OrderLineView[];
  tickets: TicketView[];
  link: string;
}

export function orderConfirmation(lang: Lang, d: OrderConfirmation): Rendered {
  const es = lang === 'es';
  const number = orderNumber(d.orderId);
  const subject = es ? `Tu pedido ${number} está confirmado` : `Your order ${number} is confirmed`;
  const summary = es
    ? `Pago recibido: ${money(lang, d.totalCents, d.currency)}${d.tickets.length ? `, ${d.tickets.length} entrada(s)` : ''}.`
    : `Payment received: ${money(lang, d.totalCents, d.currency)}${d.tickets.length ? `, ${d.tickets.length} ticket(s)` : ''}.`;
  const head = es ? ['Concepto', 'Cant.', 'Precio', 'Importe'] : ['Item', 'Qty', 'Price', 'Amount'];
  const labelOf = (l: OrderLineView) => l.label ?? (l.ticket ? (es ? 'Entrada' : 'Ticket') : es ? 'Artículo' : 'Item');
  const rows = d.lines.map(
    (l) =>
      html`<tr>
        <td>${labelOf(l)}</td>
        <td align="right">${l.quantity}</td>
        <td align="right">${money(lang, l.unitPriceCents, d.currency)}</td>
        <td align="right">${money(lang, l.unitPriceCents * l.quantity, d.currency)}</td>
      </tr>`,
  );
  const tickets = d.tickets.map(
    (t) =>
      html`<div style="border: 1px solid #ddd; border-radius: 8px; padding: 12px; margin: 12px 0">
        <p>
          <strong>${t.eventTitle}</strong
          ><br />${t.ticketTypeName}${t.startsAt ? html`<br />${when(lang, t.startsAt)}` : ''}${t.venueName ? html`<br />${t.venueName}` : ''}
        </p>
        ${t.image ? html`<img src="cid:${t.image.cid}" alt="QR" width="220" height="220" />` : ''}
        <p style="color: #666; font-size: 12px">${es ? 'Entrada' : 'Ticket'} ${t.ticketId}</p>
      </div>`,
  );
  const body = html`<p>
      ${es ? 'Gracias por tu compra. Hemos recibido el pago de tu pedido' : 'Thank you for your purchase. We received the payment of your order'}
      ${number}.
    </p>
    <table cellpadding="6" style="border-collapse: collapse; width: 100%">
      <tr>
        ${head.map((h) => html`<th align="left">${h}</th>`)}
      </tr>
      ${rows}
      <tr>
        <td colspan="3"><strong>Total</strong></td>
        <td align="right"><strong>${money(lang, d.totalCents, d.currency)}</strong></td>
      </tr>
    </table>
    ${
      d.tickets.length
        ? html`<h3>${es ? 'Tus entradas' : 'Your tickets'}</h3>
            <p>
              ${es ? 'Enseña el código QR de cada entrada en la puerta (también va adjunto).' : 'Show each ticket’s QR code at the door (it is attached too).'}
            </p>
            ${tickets}`
        : ''
    }
    ${button(d.link, es ? 'Ver el pedido' : 'View the order')}`;
  const text = [
    es ? `Hemos recibido el pago de tu pedido ${number}.` : `We received the payment of your order ${number}.`,
    '',
    ...d.lines.map(
      (l) =>
        `${l.quantity} x ${labelOf(l)} (${money(lang, l.unitPriceCents, d.currency)}) = ${money(lang, l.unitPriceCents * l.quantity, d.currency)}`,
    ),
    `Total: ${money(lang, d.totalCents, d.currency)}`,
    ...(d.tickets.length
      ? [
          '',
          es ? 'Tus entradas (el código QR de cada una va adjunto):' : 'Your tickets (each one’s QR code is attached):',
          ...d.tickets.map(
            (t) =>
              `- ${t.eventTitle}, ${t.ticketTypeName}${t.startsAt ? `, ${when(lang, t.startsAt)}` : ''} (${t.ticketId})`,
          ),
        ]
      : []),
    '',
    `${es ? 'Ver el pedido' : 'View the order'}: ${d.link}`,
  ];
  return { subject, summary, html: layout(lang, d.name, body), text: textOf(lang, d.name, text) };
}

/** A mail that says one thing: paragraphs and, optionally, a button. */
function notice(
  lang: Lang,
  name: string,
  t: { subject: string; paragraphs: string[]; action?: { label: string; link: string } },
): Rendered {
  return {
    subject: t.subject,
    summary: t.paragraphs[0]!,
    html: layout(
      lang,
      name,
      html`${t.paragraphs.map((p) => html`<p>${p}</p>`)}${t.action ? button(t.action.link, t.action.label) : ''}`,
    ),
    text: textOf(lang, name, [...t.paragraphs, ...(t.action ? ['', `${t.action.label}: ${t.action.link}`] : [])]),
  };
}

const orderNumber = (orderId: string) => orderId.slice(0, 8).toUpperCase();

export interface OrderRefund {
  name: string;
  orderId: string;
  amountCents: number;
  currency: string;
  reason: string;
  link: string;
}

export function orderRefunded(lang: Lang, d: OrderRefund): Rendered {
  const amount = money(lang, d.amountCents, d.currency);
  const n = orderNumber(d.orderId);
  return lang === 'es'
    ? notice(lang, d.name, {
        subject: `Reembolso de ${amount} de tu pedido ${n}`,
        paragraphs: [
          `Te hemos reembolsado ${amount} del pedido ${n}.`,
          ...(d.reason ? [`Motivo: ${d.reason}`] : []),
          'Las entradas reembolsadas ya no son válidas. El importe llegará a tu medio de pago en unos días.',
        ],
        action: { label: 'Ver el pedido', link: d.link },
      })
    : notice(lang, d.name, {
        subject: `Refund of ${amount} for your order ${n}`,
        paragraphs: [
          `We refunded ${amount} of order ${n}.`,
          ...(d.reason ? [`Reason: ${d.reason}`] : []),
          'Refunded tickets are no longer valid. The money reaches your payment method within a few days.',
        ],
        action: { label: 'View the order', link: d.link },
      });
}

export type ClosedStatus = 'CANCELLED' | 'EXPIRED' | 'PAYMENT_FAILED';

const CLOSED_TEXTS: Record<ClosedStatus, Record<Lang, (n: string) => { subject: string; body: string }>> = {
  CANCELLED: {
    es: (n) => ({ subject: `Pedido ${n} cancelado`, body: `El pedido ${n} se ha cancelado sin cobrarte nada.` }),
    en: (n) => ({ subject: `Order ${n} cancelled`, body: `Order ${n} was cancelled; you were not charged.` }),
  },
  EXPIRED: {
    es: (n) => ({
      subject: `Tu reserva del pedido ${n} ha caducado`,
      body: `No recibimos el pago del pedido ${n} a tiempo, así que liberamos las entradas y artículos reservados. No se te ha cobrado nada.`,
    }),
    en: (n) => ({
      subject: `Your hold on order ${n} expired`,
      body: `We did not receive the payment of order ${n} in time, so the tickets and items held for it were released. You were not charged.`,
    }),
  },
  PAYMENT_FAILED: {
    es: (n) => ({
      subject: `El pago del pedido ${n} no se completó`,
      body: `El pago del pedido ${n} fue rechazado y el pedido se ha cerrado. Puedes volver a comprar cuando quieras.`,
    }),
    en: (n) => ({
      subject: `The payment of order ${n} did not go through`,
      body: `The payment of order ${n} was declined and the order was closed. You may buy again at any time.`,
    }),
  },
};

export function orderClosed(lang: Lang, d: { name: string; orderId: string; status: ClosedStatus }): Rendered {
  const t = CLOSED_TEXTS[d.status][lang](orderNumber(d.orderId));
  return notice(lang, d.name, { subject: t.subject, paragraphs: [t.body] });
}

export function eventCancelled(lang: Lang, d: { name: string; eventTitle: string; reason: string }): Rendered {
  return lang === 'es'
    ? notice(lang, d.name, {
        subject: `Cancelado: ${d.eventTitle}`,
        paragraphs: [
          `El organizador ha cancelado «${d.eventTitle}». Tus entradas ya no son válidas y te devolvemos su importe.`,
          ...(d.reason ? [`Motivo: ${d.reason}`] : []),
        ],
      })
    : notice(lang, d.name, {
        subject: `Cancelled: ${d.eventTitle}`,
        paragraphs: [
          `The organizer cancelled “${d.eventTitle}”. Your tickets are no longer valid and we are refunding them.`,
          ...(d.reason ? [`Reason: ${d.reason}`] : []),
        ],
      });
}

/** A help-desk ticket as its mails name it: `#number «subject»`. */
export interface SupportTicketRef {
  number: number;
  subject: string;
  link: string;
}

/** A guest's widget ticket: the link (carrying its visitor token) is their only way back to it. */
export function supportWidgetTicket(lang: Lang, d: SupportTicketRef & { name: string }): Rendered {
  return lang === 'es'
    ? notice(lang, d.name, {
        subject: `Hemos recibido tu consulta #${d.number}: ${d.subject}`,
        paragraphs: [
          `Hemos recibido tu consulta #${d.number} «${d.subject}». Te responderemos por correo.`,
          'Con este enlace ves la conversación y respondes sin cuenta; guárdalo y no lo compartas.',
        ],
        action: { label: 'Ver mi consulta', link: d.link },
      })
    : notice(lang, d.name, {
        subject: `We received your request #${d.number}: ${d.subject}`,
        paragraphs: [
          `We received your request #${d.number} “${d.subject}”. We will answer by email.`,
          'This link shows the conversation and lets you reply without an account; keep it and do not share it.',
        ],
        action: { label: 'View my request', link: d.link },
      });
}

/**
 * An agent's reply, quoted as written (Markdown is shown as its plain text). `link` opens the
 * ticket for a signed-in requester; a guest returns with the link of their first mail.
 */
export function supportReply(
  lang: Lang,
  d: SupportTicketRef & { name: string | null; body: string; guest: boolean },
): Rendered {
  const es = lang === 'es';
  const subject = es
    ? `Respuesta a tu consulta #${d.number}: ${d.subject}`
    : `Reply to your request #${d.number}: ${d.subject}`;
  const intro = es
    ? `El equipo de soporte ha respondido a tu consulta #${d.number} «${d.subject}»:`
    : `The support team replied to your request #${d.number} “${d.subject}”:`;
  const back = d.guest
    ? es
      ? 'Para contestar, usa el enlace del primer correo de esta consulta.'
      : 'To answer, use the link in the first mail of this request.'
    : null;
  const action = es ? 'Ver la conversación' : 'View the conversation';
  const quoted = d.body.split('\n').map((line, i) => (i ? html`<br />${line}` : html`${line}`));
  return {
    subject,
    summary: intro,
    html: layout(
      lang,
      d.name,
      html`<p>${intro}</p>
        <blockquote style="border-left: 3px solid #ccc; margin: 12px 0; padding-left: 12px">${quoted}</blockquote>
        ${back ? html`<p>${back}</p>` : button(d.link, action)}`,
    ),
    text: textOf(lang, d.name, [
      intro,
      '',
      ...d.body.split('\n').map((l) => `> ${l}`),
      '',
      back ?? `${action}: ${d.link}`,
    ]),
  };
}

/** To the assignee: a ticket of theirs went past its SLA. */
export function supportSlaBreached(lang: Lang, d: SupportTicketRef & { name: string; priority: string }): Rendered {
  return lang === 'es'
    ? notice(lang, d.name, {
        subject: `SLA incumplido: #${d.number} ${d.subject}`,
        paragraphs: [
          `La consulta #${d.number} «${d.subject}» (prioridad ${d.priority}), asignada a ti, ha superado su plazo de SLA.`,
        ],
        action: { label: 'Abrir la consulta', link: d.link },
      })
    : notice(lang, d.name, {
        subject: `SLA breached: #${d.number} ${d.subject}`,
        paragraphs: [
          `Ticket #${d.number} “${d.subject}” (priority ${d.priority}), assigned to you, is past its SLA due time.`,
        ],
        action: { label: 'Open the ticket', link: d.link },
      });
}

/** Gamification's news (marketing-type mail: preferences and unsubscribe apply). */
export function levelReached(
  lang: Lang,
  d: { name: string; level: string; lifetimePoints: number; link: string },
): Rendered {
  return lang === 'es'
    ? notice(lang, d.name, {
        subject: `Has alcanzado el nivel ${d.level}`,
        paragraphs: [`Con ${d.lifetimePoints} puntos acumulados has alcanzado el nivel ${d.level}. ¡Enhorabuena!`],
        action: { label: 'Ver mis puntos', link: d.link },
      })
    : notice(lang, d.name, {
        subject: `You reached level ${d.level}`,
        paragraphs: [`With ${d.lifetimePoints} lifetime points you reached level ${d.level}. Congratulations!`],
        action: { label: 'View my points', link: d.link },
      });
}

export function badgeAwarded(lang: Lang, d: { name: string; badge: string; link: string }): Rendered {
  return lang === 'es'
    ? notice(lang, d.name, {
        subject: `Nueva insignia: ${d.badge}`,
        paragraphs: [`Has conseguido la insignia «${d.badge}».`],
        action: { label: 'Ver mis insignias', link: d.link },
      })
    : notice(lang, d.name, {
        subject: `New badge: ${d.badge}`,
        paragraphs: [`You earned the badge “${d.badge}”.`],
        action: { label: 'View my badges', link: d.link },
      });
}

export function challengeWon(
  lang: Lang,
  d: { name: string; challenge: string; rewardPoints: number; badgeName: string | null; link: string },
): Rendered {
  const es = lang === 'es';
  const rewards = [
    ...(d.rewardPoints > 0 ? [es ? `${d.rewardPoints} puntos` : `${d.rewardPoints} points`] : []),
    ...(d.badgeName ? [es ? `la insignia «${d.badgeName}»` : `the badge “${d.badgeName}”`] : []),
  ];
  const reward = rewards.length
    ? es
      ? `Tu premio: ${rewards.join(' y ')}.`
      : `Your reward: ${rewards.join(' and ')}.`
    : null;
  return notice(lang, d.name, {
    subject: es ? `Has ganado el reto ${d.challenge}` : `You won the challenge ${d.challenge}`,
    paragraphs: [
      es
        ? `Has completado el reto «${d.challenge}» a tiempo.`
        : `You completed the challenge “${d.challenge}” in time.`,
      ...(reward ? [reward] : []),
    ],
    action: { label: es ? 'Ver mis retos' : 'View my challenges', link: d.link },
  });
}

/** The daily digest to a seller: their products with few units left for sale. */
export function lowStockDigest(
  lang: Lang,
  d: { name: string; day: string; products: { productName: string; available: number }[]; link: string },
): Rendered {
  const es = lang === 'es';
  const subject = es
    ? `Stock bajo: ${d.products.length} producto(s) (${d.day})`
    : `Low stock: ${d.products.length} product(s) (${d.day})`;
  const intro = es
    ? 'Estos productos tuyos tienen pocas unidades a la venta:'
    : 'These products of yours have few units left for sale:';
  const units = (n: number) => (es ? `${n} disponible(s)` : `${n} available`);
  const action = es ? 'Reponer stock' : 'Restock';
  return {
    subject,
    summary: intro,
    html: layout(
      lang,
      d.name,
      html`<p>${intro}</p>
        <ul>
          ${d.products.map((p) => html`<li>${p.productName}: <strong>${units(p.available)}</strong></li>`)}
        </ul>
        ${button(d.link, action)}`,
    ),
    text: textOf(lang, d.name, [
      intro,
      '',
      ...d.products.map((p) => `- ${p.productName}: ${units(p.available)}`),
      '',
      `${action}: ${d.link}`,
    ]),
  };
}
