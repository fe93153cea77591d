/** The help desk end to end, through the gateway, on Postgres and (when present) Redis. */
import { importTickets, type ImportFile } from '../src/domain/import-service';
import { startStack, type Stack } from '../../../test/helpers/stack';
import { eventually } from '../../../test/helpers/eventually';
import { testRedisUrl } from '../../../test/helpers/redis';
import { codeOf, signUp, untilSupportKnows, verifyEmail } from '../../../test/helpers/users';
import {
  checkout,
  eventOnSale,
  inDays,
  newAccount,
  ok,
  simulatePayment,
  ticketsOf,
} from '../../../test/helpers/commerce';

let stack: Stack;
let agent: { id: string; accessToken: string };
let customer: { id: string; accessToken: string };

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl });
  agent = await signUp(stack, 'agent@example.com', { roles: ['AGENT'] });
  customer = await signUp(stack, 'carmen@example.com');
}, 60_000);
afterAll(() => stack.stop());

const WIDGET = `mutation($input: CreateWidgetTicketInput!) { createWidgetTicket(input: $input) { visitorToken ticket { id number status } } }`;
const CREATE = `mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) { id number status assignee { id } } }`;
const REPLY = `mutation($input: ReplyToSupportTicketInput!, $t: String) { replyToSupportTicket(input: $input, visitorToken: $t) { id internal } }`;
const READ = `query($id: ID!, $t: String) { supportTicket(id: $id, visitorToken: $t) { id subject messages { totalCount edges { node { body internal html author { kind } } } } } }`;

async function widgetTicket(email: string, subject = 'Mi pedido no llega') {
  const res = await stack.gql(WIDGET, {
    input: { name: 'Vera Visitante', email, subject, message: 'Hola, **ayuda** <script>alert(1)</script>' },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.createWidgetTicket as { visitorToken: string; ticket: { id: string; number: number } };
}

async function counts() {
  const [tickets, messages, faqs] = await Promise.all([
    stack.db.supportTicket.count(),
    stack.db.message.count(),
    stack.db.faq.count(),
  ]);
  return { tickets, messages, faqs };
}

describe('visitor tokens', () => {
  test('give access to their own ticket only: read, reply', async () => {
    const a = await widgetTicket('vera@example.com');
    const b = await widgetTicket('otro@example.com');

    const own = await stack.gql(READ, { id: a.ticket.id, t: a.visitorToken });
    expect(own.data!.supportTicket.id).toBe(a.ticket.id);
    // Markdown is not applied to PLAIN bodies, and markup is escaped.
    expect(own.data!.supportTicket.messages.edges[0].node.html).not.toContain('<script>');

    const other = await stack.gql(READ, { id: b.ticket.id, t: a.visitorToken });
    expect(other.errors).toBeUndefined();
    expect(other.data!.supportTicket).toBeNull();
    expect((await stack.gql(READ, { id: b.ticket.id })).data!.supportTicket).toBeNull();

    const replyOther = await stack.gql(REPLY, {
      input: { ticketId: b.ticket.id, body: 'intrusión' },
      t: a.visitorToken,
    });
    expect(codeOf(replyOther)).toBe('NOT_FOUND');
    const replyOwn = await stack.gql(REPLY, { input: { ticketId: a.ticket.id, body: 'más datos' }, t: a.visitorToken });
    expect(replyOwn.errors).toBeUndefined();
    expect(await stack.db.message.count({ where: { ticketId: b.ticket.id } })).toBe(1);

    // A visitor cannot list the queue, nor reach a ticket through _entities on the subgraph.
    expect(codeOf(await stack.gql(`{ supportTickets { totalCount } }`))).toBe('UNAUTHENTICATED');
    const entities = await stack.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SupportTicket { subject } } }`,
      { r: [{ __typename: 'SupportTicket', id: b.ticket.id }] },
      { url: stack.subgraphs.support!.url },
    );
    expect(entities.data?._entities?.[0] ?? null).toBeNull();
  });

  test("claiming by email needs the email verified: an impostor with a guest's address gets nothing", async () => {
    const w = await widgetTicket('claimer@example.com');
    const MINE = `{ me { supportTickets { totalCount } } }`;
    // The attack: anyone may register with a guest's address (no proof of owning it).
    const impostor = await signUp(stack, 'claimer@example.com');
    // Support knows the account's email from its UserChanged (registration), not from users' tables.
    await untilSupportKnows(stack, impostor.id, { email: 'claimer@example.com', emailVerified: false });
    const refused = await stack.gql(
      `mutation { claimWidgetTickets { id subject } }`,
      {},
      { token: impostor.accessToken },
    );
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(JSON.stringify(refused.data ?? null)).not.toContain('Mi pedido');
    expect((await stack.gql(MINE, {}, { token: impostor.accessToken })).data!.me.supportTickets.totalCount).toBe(0);
    const read = await stack.gql(READ, { id: w.ticket.id }, { token: impostor.accessToken });
    expect(read.data?.supportTicket ?? null).toBeNull();
    expect((await stack.db.supportTicket.findUnique({ where: { id: w.ticket.id } }))!.requesterId).toBeNull();

    // Proof of the address (the mailed link) makes the claim work.
    await verifyEmail(stack, impostor.id);
    await untilSupportKnows(stack, impostor.id, { emailVerified: true });
    const res = await stack.gql(`mutation { claimWidgetTickets { id } }`, {}, { token: impostor.accessToken });
    expect(res.data!.claimWidgetTickets.map((t: { id: string }) => t.id)).toEqual([w.ticket.id]);
    expect((await stack.gql(MINE, {}, { token: impostor.accessToken })).data!.me.supportTickets.totalCount).toBe(1);
  });

  test("a ticket's visitor token claims that ticket without a verified email", async () => {
    const w = await widgetTicket('token-claim@example.com');
    const other = await widgetTicket('token-claim@example.com', 'Otra consulta');
    const user = await signUp(stack, 'token-claim@example.com');
    const res = await stack.gql(
      `mutation($t: String) { claimWidgetTickets(visitorToken: $t) { id } }`,
      { t: w.visitorToken },
      { token: user.accessToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.claimWidgetTickets.map((t: { id: string }) => t.id)).toEqual([w.ticket.id]);
    expect((await stack.db.supportTicket.findUnique({ where: { id: other.ticket.id } }))!.requesterId).toBeNull();
  });
});

test('internal notes never reach the customer or the visitor', async () => {
  const w = await widgetTicket('notas@example.com');
  const note = await stack.gql(
    REPLY,
    { input: { ticketId: w.ticket.id, body: 'NOTA INTERNA: cliente sospechoso', internal: true } },
    { token: agent.accessToken },
  );
  expect(note.errors).toBeUndefined();
  await stack.gql(
    REPLY,
    { input: { ticketId: w.ticket.id, body: 'Hola, lo revisamos' } },
    { token: agent.accessToken },
  );

  const asVisitor = await stack.gql(READ, { id: w.ticket.id, t: w.visitorToken });
  const bodies = asVisitor.data!.supportTicket.messages.edges.map((e: { node: { body: string } }) => e.node.body);
  expect(bodies).toEqual(expect.arrayContaining(['Hola, lo revisamos']));
  expect(JSON.stringify(asVisitor)).not.toContain('NOTA INTERNA');
  expect(asVisitor.data!.supportTicket.messages.totalCount).toBe(2);

  const asAgent = await stack.gql(READ, { id: w.ticket.id }, { token: agent.accessToken });
  expect(asAgent.data!.supportTicket.messages.totalCount).toBe(3);

  // A visitor cannot write one either.
  const forged = await stack.gql(REPLY, {
    input: { ticketId: w.ticket.id, body: 'x', internal: true },
    t: w.visitorToken,
  });
  expect(codeOf(forged)).toBe('FORBIDDEN');

  // A customer's own ticket: same rule for the requester.
  const mine = await stack.gql(
    CREATE,
    { input: { subject: 'Factura', message: 'Necesito la factura' } },
    { token: customer.accessToken },
  );
  await stack.gql(
    REPLY,
    { input: { ticketId: mine.data!.createSupportTicket.id, body: 'NOTA INTERNA 2', internal: true } },
    { token: agent.accessToken },
  );
  const asCustomer = await stack.gql(READ, { id: mine.data!.createSupportTicket.id }, { token: customer.accessToken });
  expect(JSON.stringify(asCustomer)).not.toContain('NOTA INTERNA');
});

describe('links to orders, admission tickets and events (support learns them from events)', () => {
  const link = (token: string, links: { orderId?: string; admissionTicketId?: string; eventId?: string }) =>
    stack.gql(CREATE, { input: { subject: 'Sobre mi compra', message: 'Hola', ...links } }, { token });
  const accepted = async (token: string, links: { orderId?: string; admissionTicketId?: string; eventId?: string }) => {
    const res = await link(token, links);
    expect(res.errors).toBeUndefined();
    const stored = await stack.db.supportTicket.findUniqueOrThrow({ where: { id: res.data!.createSupportTicket.id } });
    expect(stored).toMatchObject({
      orderId: links.orderId ?? null,
      admissionTicketId: links.admissionTicketId ?? null,
      eventId: links.eventId ?? null,
    });
  };
  const refused = async (
    token: string,
    links: { orderId?: string; admissionTicketId?: string; eventId?: string },
    field: string,
  ) => {
    const res = await link(token, links);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe(field);
  };

  test("a customer links their own order (unpaid or paid), their own ticket and published events; not others' nor drafts", async () => {
    const organizer = await newAccount(stack, 'org', ['ORGANIZER']);
    const rival = await newAccount(stack, 'rival');
    const draft = await ok(
      stack,
      `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
      {
        input: {
          title: 'Borrador',
          venue: { name: 'Sala', address: 'Calle 1', city: 'Madrid', country: 'ES' },
          startsAt: inDays(20),
          endsAt: inDays(20.1),
          timezone: 'Europe/Madrid',
        },
      },
      organizer.accessToken,
    );
    const { eventId, ticketTypeIds } = await eventOnSale(stack, organizer, [{ capacity: 10 }], 'Noche de soporte');

    // Published: support learns it from EventPublished (published after the draft was created,
    // so once it is known, everything about the draft has been consumed too).
    await eventually(async () => (await stack.db.knownEvent.count({ where: { eventId } })) === 1, {
      what: 'support to learn the published event',
    });
    await accepted(customer.accessToken, { eventId });
    await refused(customer.accessToken, { eventId: draft.createEvent.id }, 'input.eventId');

    // Placed, not paid yet: known from OrderPlaced.
    const order = await checkout(stack, customer.accessToken, [{ ticketTypeId: ticketTypeIds[0]!, quantity: 2 }]);
    await eventually(async () => (await stack.db.knownOrder.count({ where: { orderId: order.orderId } })) === 1, {
      what: 'support to learn the order',
    });
    await accepted(customer.accessToken, { orderId: order.orderId });
    await refused(rival.accessToken, { orderId: order.orderId }, 'input.orderId');

    // Paid: its tickets are known from TicketsIssued.
    expect(await simulatePayment(stack, customer.accessToken, order.orderId)).toBe('PAID');
    const [ticket] = await ticketsOf(stack, customer.accessToken, order.orderId, 2);
    await eventually(async () => (await stack.db.knownTicket.count({ where: { ticketId: ticket!.id } })) === 1, {
      what: 'support to learn the tickets',
    });
    expect(await stack.db.knownTicket.findUnique({ where: { ticketId: ticket!.id } })).toEqual({
      ticketId: ticket!.id,
      holderId: customer.id,
      eventId,
    });
    await accepted(customer.accessToken, { orderId: order.orderId, admissionTicketId: ticket!.id, eventId });
    await refused(rival.accessToken, { admissionTicketId: ticket!.id }, 'input.admissionTicketId');
  }, 30_000);
});

describe('bad input is refused and stores nothing', () => {
  test.each([
    ['empty subject', { name: 'Ana', email: 'ana@example.com', subject: '   ', message: 'hola' }, 'input.subject'],
    ['invalid email', { name: 'Ana', email: 'not-an-email', subject: 'Hola', message: 'hola' }, 'input.email'],
    [
      'body over 20000 characters',
      { name: 'Ana', email: 'ana@example.com', subject: 'Hola', message: 'x'.repeat(20_001) },
      'input.message',
    ],
  ])('widget ticket with %s', async (_case, input, field) => {
    const before = await counts();
    const res = await stack.gql(WIDGET, { input });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe(field);
    expect(await counts()).toEqual(before);
  });

  test("unknown category, and links to others' orders or tickets", async () => {
    const before = await counts();
    for (const [input, field] of [
      [{ subject: 'Hola', message: 'hola', categoryId: '00000000-0000-4000-8000-000000000000' }, 'input.categoryId'],
      [{ subject: 'Hola', message: 'hola', orderId: '00000000-0000-4000-8000-000000000001' }, 'input.orderId'],
      [
        { subject: 'Hola', message: 'hola', admissionTicketId: '00000000-0000-4000-8000-000000000002' },
        'input.admissionTicketId',
      ],
    ] as const) {
      const res = await stack.gql(CREATE, { input }, { token: customer.accessToken });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions!.field).toBe(field);
    }
    expect(await counts()).toEqual(before);
  });

  test('a 1 MB body is refused at the HTTP layer', async () => {
    const before = await counts();
    const res = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: WIDGET,
        variables: {
          input: { name: 'Ana', email: 'ana@example.com', subject: 'Hola', message: 'x'.repeat(1_000_000) },
        },
      }),
    });
    expect(res.status).toBe(413);
    expect(await counts()).toEqual(before);
  });
});

test('widget tickets are rate limited per email', async () => {
  const input = { name: 'Spam', email: 'spam@example.com', subject: 'Hola', message: 'hola' };
  for (let i = 0; i < 5; i++) expect((await stack.gql(WIDGET, { input })).errors).toBeUndefined();
  const res = await stack.gql(WIDGET, { input });
  expect(codeOf(res)).toBe('RATE_LIMITED');
  expect(res.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
});

test('FAQ search finds Spanish and English answers across word forms and accents', async () => {
  const CREATE_FAQ = `mutation($input: FAQInput!) { createFAQ(input: $input) { id } }`;
  const faqs = [
    {
      question: '¿Cómo solicito una devolución?',
      answer: 'Las devoluciones se aceptan durante 30 días.',
      locale: 'es-ES',
      published: true,
    },
    {
      question: '¿Cuándo llega mi envío?',
      answer: 'Los envíos tardan de 2 a 5 días laborables.',
      locale: 'es-ES',
      published: true,
    },
    {
      question: 'How do I get a refund?',
      answer: 'Refunds are issued to the original payment method.',
      locale: 'en',
      published: true,
    },
    { question: 'Borrador: devoluciones internas', answer: 'Solo agentes.', locale: 'es-ES', published: false },
  ];
  for (const input of faqs)
    expect((await stack.gql(CREATE_FAQ, { input }, { token: agent.accessToken })).errors).toBeUndefined();
  const search = async (q: string, token?: string) => {
    const res = await stack.gql(
      `query($q: String) { faqs(search: $q) { totalCount edges { node { question } } } }`,
      { q },
      { token },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.faqs.edges.map((e: { node: { question: string } }) => e.node.question) as string[];
  };
  expect(await search('devoluciones')).toEqual(['¿Cómo solicito una devolución?']);
  expect(await search('devolución')).toEqual(['¿Cómo solicito una devolución?']);
  expect(await search('devolucion')).toEqual(['¿Cómo solicito una devolución?']);
  expect(await search('envio')).toEqual(['¿Cuándo llega mi envío?']);
  expect(await search('refunded')).toEqual(['How do I get a refund?']);
  // Unpublished FAQs only for agents.
  expect(await search('devoluciones', agent.accessToken)).toHaveLength(2);
});

test('concurrent auto-assignment of 100 tickets to 5 agents respects caps and balances load', async () => {
  await stack.db.agentAvailability.deleteMany();
  await stack.db.supportTicket.updateMany({ data: { assigneeId: null } });
  const agents = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => signUp(stack, `pool${i}@example.com`, { roles: ['AGENT'] })),
  );
  for (const a of agents) await untilSupportKnows(stack, a.id, { roles: ['AGENT'] });
  const caps = [30, 30, 30, 30, 12];
  for (const [i, a] of agents.entries()) {
    const res = await stack.gql(
      `mutation($m: Int) { setAgentAvailability(input: { available: true, maxOpenTickets: $m }) { maxOpenTickets } }`,
      { m: caps[i] },
      { token: a.accessToken },
    );
    expect(res.errors).toBeUndefined();
  }
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      stack.gql(CREATE, { input: { subject: `Consulta ${i}`, message: 'hola' } }, { token: customer.accessToken }),
    ),
  );
  expect(results.filter((r) => r.errors)).toEqual([]);
  const load = await stack.db.supportTicket.groupBy({
    by: ['assigneeId'],
    where: { assigneeId: { in: agents.map((a) => a.id) } },
    _count: { _all: true },
  });
  const byAgent = new Map(load.map((l) => [l.assigneeId, l._count._all]));
  // Least loaded first: the capped agent fills to 12, the others share the rest evenly.
  expect(agents.map((a) => byAgent.get(a.id) ?? 0)).toEqual([22, 22, 22, 22, 12]);
}, 60_000);

test('assignment follows the AGENT role and ACTIVE status that users announces (UserChanged)', async () => {
  const admin = await signUp(stack, 'admin@example.com', { roles: ['ADMIN'] });
  const helper = await signUp(stack, 'helper@example.com');
  const ASSIGN = `mutation($t: ID!, $a: ID) { assignSupportTicket(ticketId: $t, assigneeId: $a) { assignee { id } } }`;
  const SET_ROLES = `mutation($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) { id } }`;
  const SET_STATUS = `mutation($id: ID!, $status: UserStatus!) { setUserStatus(userId: $id, status: $status) { id } }`;
  const ticket = (
    await stack.gql(CREATE, { input: { subject: 'Asignación', message: 'hola' } }, { token: customer.accessToken })
  ).data!.createSupportTicket;
  const assign = (assigneeId: string) =>
    stack.gql(ASSIGN, { t: ticket.id, a: assigneeId }, { token: agent.accessToken });

  // A customer is no assignee.
  await untilSupportKnows(stack, helper.id, { roles: ['CUSTOMER'] });
  expect(codeOf(await assign(helper.id))).toBe('BAD_USER_INPUT');

  // Promoted through the users API: support learns it from the event, then accepts it.
  expect(
    (await stack.gql(SET_ROLES, { id: helper.id, roles: ['CUSTOMER', 'AGENT'] }, { token: admin.accessToken })).errors,
  ).toBeUndefined();
  await untilSupportKnows(stack, helper.id, { roles: ['CUSTOMER', 'AGENT'], status: 'ACTIVE' });
  const assigned = await assign(helper.id);
  expect(assigned.errors).toBeUndefined();
  expect(assigned.data!.assignSupportTicket.assignee.id).toBe(helper.id);

  // Available and least loaded: automatic assignment picks them.
  const AVAILABLE = `mutation { setAgentAvailability(input: { available: true, maxOpenTickets: 50 }) { available } }`;
  expect((await stack.gql(AVAILABLE, {}, { token: helper.accessToken })).errors).toBeUndefined();
  const assigneeOfNew = async (subject: string) => {
    const created = (await stack.gql(CREATE, { input: { subject, message: 'hola' } }, { token: customer.accessToken }))
      .data!.createSupportTicket;
    return (await stack.db.supportTicket.findUniqueOrThrow({ where: { id: created.id }, select: { assigneeId: true } }))
      .assigneeId;
  };
  expect(await assigneeOfNew('Para el nuevo agente')).toBe(helper.id);

  // Disabled: no longer an active AGENT for support, neither by hand nor automatically.
  expect(
    (await stack.gql(SET_STATUS, { id: helper.id, status: 'DISABLED' }, { token: admin.accessToken })).errors,
  ).toBeUndefined();
  await untilSupportKnows(stack, helper.id, { status: 'DISABLED' });
  expect(codeOf(await assign(helper.id))).toBe('BAD_USER_INPUT');
  expect(await assigneeOfNew('Ya no para él')).not.toBe(helper.id);
  expect(await stack.db.supportTicket.findUnique({ where: { id: ticket.id }, select: { assigneeId: true } })).toEqual({
    assigneeId: helper.id,
  });
});

test('importing twice gives the same rows, no duplicates', async () => {
  const file: ImportFile = {
    source: 'growdesk',
    tickets: [
      {
        externalId: 'GD-1',
        subject: 'No puedo descargar mi entrada',
        status: 'RESOLVED',
        priority: 'HIGH',
        tags: ['entradas'],
        requester: { name: 'Luis', email: 'luis@example.com' },
        createdAt: '2025-05-01T10:00:00Z',
        resolvedAt: '2025-05-01T12:00:00Z',
        messages: [
          {
            externalId: 'm1',
            author: { name: 'Luis', agent: false },
            body: 'No me llega el PDF',
            format: 'PLAIN',
            internal: false,
            createdAt: '2025-05-01T10:00:00Z',
          },
          {
            externalId: 'm2',
            author: { name: 'Marta', agent: true },
            body: 'Reenviado',
            format: 'PLAIN',
            internal: false,
            createdAt: '2025-05-01T11:00:00Z',
          },
        ],
      },
      {
        externalId: 'GD-2',
        subject: 'Cambio de talla',
        status: 'OPEN',
        priority: 'NORMAL',
        tags: [],
        requester: { name: 'Eva', email: 'eva@example.com' },
        createdAt: '2025-05-02T10:00:00Z',
        resolvedAt: null,
        messages: [
          {
            externalId: 'm1',
            author: { name: 'Eva', agent: false },
            body: '¿Puedo cambiarla?',
            format: 'PLAIN',
            internal: false,
            createdAt: '2025-05-02T10:00:00Z',
          },
        ],
      },
    ],
  };
  const snapshot = async () => ({
    tickets: await stack.db.supportTicket.findMany({ where: { source: 'growdesk' }, orderBy: { externalId: 'asc' } }),
    messages: await stack.db.message.findMany({
      where: { ticket: { source: 'growdesk' } },
      orderBy: [{ ticketId: 'asc' }, { externalId: 'asc' }],
    }),
  });
  expect(await importTickets(stack.db, file)).toEqual({ ticketsCreated: 2, ticketsSkipped: 0, messagesCreated: 3 });
  const first = await snapshot();
  expect(await importTickets(stack.db, file)).toEqual({ ticketsCreated: 0, ticketsSkipped: 2, messagesCreated: 0 });
  expect(await snapshot()).toEqual(first);
  expect(first.tickets).toHaveLength(2);
  expect(first.messages).toHaveLength(3);
});
