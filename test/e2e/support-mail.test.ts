import { email } from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { linkIn, mailTo, mailsTo } from '../helpers/mail';
import { startStack, type Stack } from '../helpers/stack';
import { signUp, untilSupportKnows } from '../helpers/users';

/**
 * The help desk's mails through the gateway and the stack's real SMTP server: a guest's widget
 * ticket mails its link (with the visitor token that opens it), an agent's reply reaches the
 * requester (guest or user) while an internal note and the customer's own words reach no one,
 * an SLA breach alerts the assignee. User text is escaped in every one.
 */
let stack: Stack;
let agent: { id: string; accessToken: string; email: string };
beforeAll(async () => {
  stack = await startStack();
  const address = email('agent');
  agent = { ...(await signUp(stack, address, { roles: ['AGENT'] })), email: address };
  await untilSupportKnows(stack, agent.id, { roles: ['AGENT'] });
}, 120_000);
afterAll(() => stack?.stop());

const WIDGET = `mutation($input: CreateWidgetTicketInput!) { createWidgetTicket(input: $input) { visitorToken ticket { id number } } }`;
const REPLY = `mutation($input: ReplyToSupportTicketInput!, $v: String) { replyToSupportTicket(input: $input, visitorToken: $v) { id } }`;
const SCRIPT = '<script>alert(1)</script>';

async function ok(query: string, variables: Record<string, unknown>, token?: string) {
  const res = await stack.gql(query, variables, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

test("a guest's widget ticket mails its link with the visitor token; an agent's reply reaches the guest, an internal note does not", async () => {
  const guest = email('guest');
  const opened = await ok(WIDGET, {
    input: { name: `Lucía ${SCRIPT}`, email: guest, subject: `No llega <b>nada</b>`, message: 'Hola' },
  });
  const { visitorToken, ticket } = opened.createWidgetTicket;

  const mail = await mailTo(stack, guest, /^Hemos recibido/);
  expect(mail.subject).toBe(`Hemos recibido tu consulta #${ticket.number}: No llega <b>nada</b>`);
  const link = linkIn(mail, `/support/tickets/${ticket.id}`);
  expect(link.searchParams.get('visitorToken')).toBe(visitorToken);
  // The link's token opens the ticket through the gateway, without an account.
  const seen = await ok(`query($id: ID!, $v: String) { supportTicket(id: $id, visitorToken: $v) { number } }`, {
    id: ticket.id,
    v: link.searchParams.get('visitorToken'),
  });
  expect(seen.supportTicket).toEqual({ number: ticket.number });
  expect(mail.html).not.toContain('<script>');
  expect(mail.html).not.toContain('<b>nada</b>');
  expect(mail.html).toContain('Lucía &lt;script&gt;alert(1)&lt;/script&gt;');
  expect(mail.html).toContain('No llega &lt;b&gt;nada&lt;/b&gt;');

  await ok(
    REPLY,
    { input: { ticketId: ticket.id, body: 'Nota interna: cliente VIP', internal: true } },
    agent.accessToken,
  );
  await ok(REPLY, { input: { ticketId: ticket.id, body: `Ya está reenviado.\n${SCRIPT} & "más"` } }, agent.accessToken);
  const reply = await mailTo(stack, guest, /^Respuesta/);
  expect(reply.subject).toBe(`Respuesta a tu consulta #${ticket.number}: No llega <b>nada</b>`);
  expect(reply.text).toContain(`> Ya está reenviado.\n> ${SCRIPT} & "más"`);
  expect(reply.html).toContain('Ya está reenviado.<br />&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;más&quot;');
  expect(reply.html).not.toContain('<script>');
  // The public reply came after the note and has arrived: the note was mailed to no one.
  expect((await stack.mailbox.messages()).filter((m) => m.text.includes('Nota interna'))).toEqual([]);
  expect((await mailsTo(stack, guest)).map((m) => m.subject)).toEqual([mail.subject, reply.subject]);
  expect(await stack.db.outboxEvent.count({ where: { type: 'SupportReplyPosted' } })).toBe(1);

  // The guest's own reply is mailed to no one either (the marker: the agent's answer after it).
  await ok(REPLY, { input: { ticketId: ticket.id, body: 'Gracias por todo' }, v: visitorToken });
  await ok(REPLY, { input: { ticketId: ticket.id, body: 'A ti.' } }, agent.accessToken);
  const last = await eventually(async () => (await mailsTo(stack, guest))[2], { what: 'the third mail' });
  expect(last.text).toContain('> A ti.');
  expect((await stack.mailbox.messages()).filter((m) => m.text.includes('Gracias por todo'))).toEqual([]);
}, 120_000);

test("an agent's reply to a signed-in customer's ticket reaches them by mail, in their feed too", async () => {
  const address = email('customer');
  const customer = await signUp(stack, address);
  const created = await ok(
    `mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) { id number } }`,
    { input: { subject: `Factura ${SCRIPT}`, message: 'Necesito la factura' } },
    customer.accessToken,
  );
  const { id, number } = created.createSupportTicket;
  await ok(REPLY, { input: { ticketId: id, body: 'Adjunta en tu perfil.', format: 'MARKDOWN' } }, agent.accessToken);
  const mail = await mailTo(stack, address, /^Respuesta/);
  expect(mail.subject).toBe(`Respuesta a tu consulta #${number}: Factura ${SCRIPT}`);
  expect(linkIn(mail, `/support/tickets/${id}`).search).toBe('');
  expect(mail.html).toContain(`Factura &lt;script&gt;`);
  expect(mail.html).not.toContain('<script>');
  const feed = await ok(`{ me { notifications { edges { node { kind title } } } } }`, {}, customer.accessToken);
  expect(feed.me.notifications.edges).toEqual([{ node: { kind: 'support-reply', title: mail.subject } }]);
}, 120_000);

test('an SLA breach found by the sweeper alerts the assignee by mail, once', async () => {
  const guest = email('late');
  const opened = await ok(WIDGET, {
    input: { name: 'Pedro', email: guest, subject: `Urgente ${SCRIPT}`, message: 'Nadie contesta' },
  });
  const { ticket } = opened.createWidgetTicket;
  await ok(
    `mutation($t: ID!, $a: ID) { assignSupportTicket(ticketId: $t, assigneeId: $a) { id } }`,
    { t: ticket.id, a: agent.id },
    agent.accessToken,
  );
  // The ticket was opened a month ago and never answered: past due in any business calendar.
  const monthAgo = new Date(Date.now() - 30 * 86_400_000);
  await stack.db.supportTicket.update({
    where: { id: ticket.id },
    data: { createdAt: monthAgo, slaDueAt: new Date(monthAgo.getTime() + 3_600_000) },
  });
  const alert = await mailTo(stack, agent.email, /^SLA incumplido/);
  expect(alert.subject).toBe(`SLA incumplido: #${ticket.number} Urgente ${SCRIPT}`);
  expect(alert.html).toContain('Urgente &lt;script&gt;');
  expect(alert.html).not.toContain('<script>');
  expect(linkIn(alert, `/support/tickets/${ticket.id}`).search).toBe('');
  expect((await stack.db.supportTicket.findUniqueOrThrow({ where: { id: ticket.id } })).slaBreached).toBe(true);
  // Once: the agent's late answer changes the ticket again; by the time its mail arrived, no
  // second alert was queued.
  await ok(REPLY, { input: { ticketId: ticket.id, body: 'Perdona la espera.' } }, agent.accessToken);
  await mailTo(stack, guest, /^Respuesta/);
  const breaches = await stack.db.outboxEvent.count({
    where: { type: 'SupportSlaBreached', payload: { path: ['ticketId'], equals: ticket.id } },
  });
  expect(breaches).toBe(1);
  expect((await mailsTo(stack, agent.email)).filter((m) => m.subject.startsWith('SLA'))).toHaveLength(1);
}, 120_000);
