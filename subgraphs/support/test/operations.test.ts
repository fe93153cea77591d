/**
 * The support subgraph alone, in process, with its workers: every operation through the whole
 * schema (shield, reference rules), for the caller it is meant for, the caller it is not (refused,
 * nothing changes) and bad input (BAD_USER_INPUT naming the field, nothing changes). Other
 * domains reach support the way they really do: their events in the outbox, consumed by
 * support's own workers.
 */
import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '../../../shared/auth/tokens';
import { inTransaction } from '../../../shared/db';
import type { EventCatalog, EventType } from '../../../shared/events/catalog';
import { emit, type Producer } from '../../../shared/events/outbox';
import { eventually } from '../../../test/helpers/eventually';
import { startSubgraph, type ExecuteResult, type InProcessSubgraph } from '../../../test/helpers/subgraph';

let sg: InProcessSubgraph;
let agent: Viewer;
let admin: Viewer;
let customer: Viewer;
let other: Viewer;

beforeAll(async () => {
  sg = await startSubgraph('support', { workers: true });
  [agent, admin] = await Promise.all([knownUser(['AGENT']), knownUser(['ADMIN'])]);
  customer = sg.viewer('CUSTOMER');
  other = sg.viewer('CUSTOMER');
}, 60_000);
afterAll(() => sg.stop());

async function emitEvent<T extends EventType>(producer: Producer, type: T, payload: EventCatalog[T]): Promise<void> {
  await inTransaction(sg.db, (tx) => emit(tx, producer, type, payload));
}

/** A user support's directory knows (from their `UserChanged`), with these roles. */
async function knownUser(roles: Role[]): Promise<Viewer> {
  const viewer = sg.viewer(roles);
  await emitEvent('users', 'UserChanged', {
    userId: viewer.userId,
    email: `${viewer.userId}@example.com`,
    name: 'Agente',
    roles,
    status: 'ACTIVE',
    changedAt: new Date().toISOString(),
  });
  await eventually(() => sg.db.userDirectoryEntry.findUnique({ where: { userId: viewer.userId } }), {
    what: `support to know user ${viewer.userId}`,
  });
  return viewer;
}

const codeOf = (res: ExecuteResult<unknown>) => res.errors?.[0]?.extensions?.code;
const fieldOf = (res: ExecuteResult<unknown>) => res.errors?.[0]?.extensions?.field;

/** `execute` with its default result type: these tests read the data as loosely as JSON. */
const run = (query: string, variables?: Record<string, unknown>, viewer?: Viewer | null) =>
  sg.execute(query, variables, viewer);
type Result = Awaited<ReturnType<typeof run>>;

async function ok(query: string, variables: Record<string, unknown>, viewer?: Viewer | null) {
  const res = await run(query, variables, viewer);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

/** Refused as `code` (naming `field` for bad input), and the database is as it was. */
async function refused(
  query: string,
  variables: Record<string, unknown>,
  viewer: Viewer | null,
  code: string,
  field?: string,
): Promise<Result> {
  const before = await snapshot();
  const res = await run(query, variables, viewer);
  expect(codeOf(res)).toBe(code);
  if (field) expect(fieldOf(res)).toBe(field);
  expect(await snapshot()).toEqual(before);
  return res;
}

async function snapshot() {
  const [tickets, messages, faqs, canned, categories, policies, agents, outbox] = await Promise.all([
    sg.db.supportTicket.findMany({ orderBy: { id: 'asc' } }),
    sg.db.message.count(),
    sg.db.faq.findMany({ orderBy: { id: 'asc' } }),
    sg.db.cannedResponse.findMany({ orderBy: { id: 'asc' } }),
    sg.db.supportCategory.count(),
    sg.db.slaPolicy.findMany({ orderBy: { priority: 'asc' } }),
    sg.db.agentAvailability.findMany({ orderBy: { agentId: 'asc' } }),
    sg.db.outboxEvent.count({ where: { producer: 'support' } }),
  ]);
  return { tickets, messages, faqs, canned, categories, policies, agents, outbox };
}

const CREATE = `mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) { id number status } }`;
const STATUS = `mutation($t: ID!, $s: SupportTicketStatus!) { setSupportTicketStatus(ticketId: $t, status: $s) { id status } }`;

async function openTicket(viewer: Viewer, links: Record<string, string> = {}, subject = 'Consulta') {
  const data = await ok(CREATE, { input: { subject, message: 'Hola', ...links } }, viewer);
  return data.createSupportTicket as { id: string; number: number; status: string };
}

describe('_entities: one test per resolvable @key', () => {
  const TICKETS = `supportTickets { totalCount edges { node { id } } }`;
  const entities = (typename: string, id: string, fields: string, viewer: Viewer | null) =>
    run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { id ${fields} } } }`,
      { r: [{ __typename: typename, id }] },
      viewer,
    );
  const listed = (res: Result) =>
    (res.data!._entities[0].supportTickets.edges as { node: { id: string } }[]).map((e) => e.node.id);

  test('User: the user themself and agents see their tickets; another customer is refused and learns nothing', async () => {
    const ticket = await openTicket(customer);
    for (const viewer of [customer, agent]) {
      const res = await entities('User', customer.userId, TICKETS, viewer);
      expect(res.errors).toBeUndefined();
      expect(listed(res)).toContain(ticket.id);
    }
    const res = await entities('User', customer.userId, TICKETS, other);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(JSON.stringify(res.data ?? null)).not.toContain(ticket.id);
  });

  test("Order: its buyer sees the tickets about it; an anonymous caller is refused; others see none of the buyer's", async () => {
    const orderId = randomUUID();
    await emitEvent('orders', 'OrderPlaced', {
      orderId,
      buyerId: customer.userId,
      placedAt: new Date().toISOString(),
    });
    await eventually(() => sg.db.knownOrder.findUnique({ where: { orderId } }), { what: 'support to know the order' });
    const ticket = await openTicket(customer, { orderId });
    const own = await entities('Order', orderId, TICKETS, customer);
    expect(own.errors).toBeUndefined();
    expect(listed(own)).toEqual([ticket.id]);
    const anonymous = await entities('Order', orderId, TICKETS, null);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous.data ?? null)).not.toContain(ticket.id);
    expect(listed(await entities('Order', orderId, TICKETS, other))).toEqual([]);
  });

  test('Event: tickets about a published event for their requester; an anonymous caller is refused', async () => {
    const eventId = randomUUID();
    await emitEvent('tickets', 'EventPublished', {
      eventId,
      organizerId: randomUUID(),
      publishedAt: new Date().toISOString(),
    });
    await eventually(() => sg.db.knownEvent.findUnique({ where: { eventId } }), { what: 'support to know the event' });
    const ticket = await openTicket(customer, { eventId });
    expect(listed(await entities('Event', eventId, TICKETS, customer))).toEqual([ticket.id]);
    expect(listed(await entities('Event', eventId, TICKETS, agent))).toEqual([ticket.id]);
    const anonymous = await entities('Event', eventId, TICKETS, null);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous.data ?? null)).not.toContain(ticket.id);
  });

  test('SupportTicket: its requester and agents get it; another customer is refused and gets no data', async () => {
    const ticket = await openTicket(customer, {}, 'Asunto privado');
    for (const viewer of [customer, agent]) {
      const res = await entities('SupportTicket', ticket.id, 'subject', viewer);
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([{ id: ticket.id, subject: 'Asunto privado' }]);
    }
    for (const [viewer, code] of [
      [other, 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      const res = await entities('SupportTicket', ticket.id, 'subject', viewer);
      expect(codeOf(res)).toBe(code);
      expect(JSON.stringify(res.data ?? null)).not.toContain('Asunto privado');
    }
  });
});

describe('mergeSupportTickets', () => {
  const MERGE = `mutation($s: ID!, $t: ID!) { mergeSupportTickets(sourceId: $s, targetId: $t) {
    id tags messages { totalCount edges { node { body author { kind } } } } } }`;

  test('agents merge: the source closes into the target, whose conversation shows both', async () => {
    const source = await openTicket(customer, {}, 'Primero');
    const target = await openTicket(customer, {}, 'Segundo');
    await refused(MERGE, { s: source.id, t: target.id }, customer, 'FORBIDDEN');
    await refused(MERGE, { s: 'x', t: target.id }, agent, 'BAD_USER_INPUT', 'sourceId');
    await refused(MERGE, { s: source.id, t: source.id }, agent, 'BAD_USER_INPUT', 'targetId');
    await refused(MERGE, { s: source.id, t: randomUUID() }, agent, 'BAD_USER_INPUT', 'targetId');

    const merged = (await ok(MERGE, { s: source.id, t: target.id }, agent)).mergeSupportTickets;
    expect(merged.id).toBe(target.id);
    // Both first messages, and the system note on each ticket.
    expect(merged.messages.totalCount).toBe(4);
    const notes = merged.messages.edges.filter(
      (e: { node: { author: { kind: string } } }) => e.node.author.kind === 'SYSTEM',
    );
    expect(notes).toHaveLength(2);
    const closed = await ok(
      `query($id: ID!) { supportTicket(id: $id) { status mergedInto { id } } }`,
      { id: source.id },
      customer,
    );
    expect(closed.supportTicket).toEqual({ status: 'CLOSED', mergedInto: { id: target.id } });
    await refused(MERGE, { s: source.id, t: target.id }, agent, 'CONFLICT');
  });
});

describe('setSupportTicketStatus and rateSupportTicket', () => {
  const RATE = `mutation($input: RateSupportTicketInput!, $v: String) { rateSupportTicket(input: $input, visitorToken: $v) {
    id satisfaction { rating comment } } }`;

  test('agents move the status; only the requester rates a resolved ticket, once', async () => {
    const ticket = await openTicket(customer);
    await refused(STATUS, { t: ticket.id, s: 'RESOLVED' }, customer, 'FORBIDDEN');
    await refused(STATUS, { t: ticket.id, s: 'NEW' }, agent, 'BAD_USER_INPUT', 'status');
    await refused(STATUS, { t: 'nope', s: 'OPEN' }, agent, 'BAD_USER_INPUT', 'ticketId');
    const rating = { ticketId: ticket.id, rating: 5, comment: 'Muy bien' };
    await refused(RATE, { input: rating }, customer, 'CONFLICT'); // not resolved yet

    expect((await ok(STATUS, { t: ticket.id, s: 'RESOLVED' }, agent)).setSupportTicketStatus.status).toBe('RESOLVED');
    await refused(RATE, { input: rating }, agent, 'FORBIDDEN');
    await refused(RATE, { input: rating }, other, 'NOT_FOUND'); // invisible to them, as if absent
    await refused(RATE, { input: { ...rating, rating: 6 } }, customer, 'BAD_USER_INPUT', 'input.rating');
    await refused(RATE, { input: { ...rating, ticketId: 'x' } }, customer, 'BAD_USER_INPUT', 'input.ticketId');

    const rated = (await ok(RATE, { input: rating }, customer)).rateSupportTicket;
    expect(rated.satisfaction).toEqual({ rating: 5, comment: 'Muy bien' });
    // SupportTicketResolved again, now with the rating.
    const resolved = await sg.db.outboxEvent.findMany({
      where: { type: 'SupportTicketResolved', payload: { path: ['ticketId'], equals: ticket.id } },
      orderBy: { createdAt: 'asc' },
    });
    expect(resolved.map((e) => (e.payload as { satisfaction: unknown }).satisfaction)).toEqual([
      null,
      { rating: 5, comment: 'Muy bien' },
    ]);
    await refused(RATE, { input: rating }, customer, 'CONFLICT');
  });

  test('the holder of a widget ticket’s visitor token rates it', async () => {
    const widget = (
      await ok(
        `mutation($input: CreateWidgetTicketInput!) { createWidgetTicket(input: $input) { visitorToken ticket { id } } }`,
        { input: { name: 'Vera', email: 'vera-rates@example.com', subject: 'Hola', message: 'hola' } },
      )
    ).createWidgetTicket as { visitorToken: string; ticket: { id: string } };
    await ok(STATUS, { t: widget.ticket.id, s: 'RESOLVED' }, agent);
    const input = { ticketId: widget.ticket.id, rating: 4 };
    await refused(RATE, { input }, null, 'NOT_FOUND');
    const rated = await ok(RATE, { input, v: widget.visitorToken });
    expect(rated.rateSupportTicket.satisfaction).toEqual({ rating: 4, comment: null });
  });
});

describe('updateSupportTicket and assignSupportTicket', () => {
  const UPDATE = `mutation($input: UpdateSupportTicketInput!) { updateSupportTicket(input: $input) { id priority tags category { slug } } }`;
  const ASSIGN = `mutation($t: ID!, $a: ID) { assignSupportTicket(ticketId: $t, assigneeId: $a) { assignee { id } } }`;

  test('agents triage: priority, category, tags; assignment to active agents only', async () => {
    const ticket = await openTicket(customer);
    const input = { ticketId: ticket.id, priority: 'URGENT', tags: ['Pago', 'pago', 'factura'] };
    await refused(UPDATE, { input }, customer, 'FORBIDDEN');
    await refused(UPDATE, { input: { ...input, tags: Array(21).fill('x') } }, agent, 'BAD_USER_INPUT', 'input.tags');
    await refused(
      UPDATE,
      { input: { ...input, categoryId: randomUUID() } },
      agent,
      'BAD_USER_INPUT',
      'input.categoryId',
    );
    const updated = (await ok(UPDATE, { input }, agent)).updateSupportTicket;
    expect(updated).toEqual({ id: ticket.id, priority: 'URGENT', tags: ['pago', 'factura'], category: null });

    await refused(ASSIGN, { t: ticket.id, a: agent.userId }, customer, 'FORBIDDEN');
    await refused(ASSIGN, { t: ticket.id, a: customer.userId }, agent, 'BAD_USER_INPUT', 'assigneeId');
    await refused(ASSIGN, { t: ticket.id, a: 'x' }, agent, 'BAD_USER_INPUT', 'assigneeId');
    expect((await ok(ASSIGN, { t: ticket.id, a: agent.userId }, agent)).assignSupportTicket.assignee).toEqual({
      id: agent.userId,
    });
    expect((await ok(ASSIGN, { t: ticket.id, a: null }, agent)).assignSupportTicket.assignee).toBeNull();
  });

  test("a ticket's SLA is for agents only", async () => {
    const ticket = await openTicket(customer);
    const SLA = `query($id: ID!) { supportTicket(id: $id) { id sla { priority paused breached } } }`;
    expect(codeOf(await run(SLA, { id: ticket.id }, customer))).toBe('FORBIDDEN');
    expect((await ok(SLA, { id: ticket.id }, agent)).supportTicket.sla).toEqual({
      priority: 'NORMAL',
      paused: false,
      breached: false,
    });
  });
});

describe('canned responses', () => {
  const CREATE_CANNED = `mutation($input: CannedResponseInput!) { createCannedResponse(input: $input) { id title body } }`;
  const UPDATE_CANNED = `mutation($id: ID!, $input: CannedResponseInput!) { updateCannedResponse(id: $id, input: $input) { id title body } }`;
  const DELETE_CANNED = `mutation($id: ID!) { deleteCannedResponse(id: $id) }`;
  const LIST = `{ cannedResponses { id title } }`;
  const RENDER = `query($id: ID!, $t: ID!) { renderCannedResponse(id: $id, ticketId: $t) }`;

  test('agents create, list, fill, edit and delete them; customers cannot', async () => {
    const input = { title: 'Saludo', body: 'Hola, sobre {{ticket.number}} ({{ticket.subject}}). {{agent.name}}' };
    await refused(CREATE_CANNED, { input }, customer, 'FORBIDDEN');
    await refused(CREATE_CANNED, { input: { ...input, title: ' ' } }, agent, 'BAD_USER_INPUT', 'input.title');
    await refused(CREATE_CANNED, { input: { ...input, body: '' } }, agent, 'BAD_USER_INPUT', 'input.body');
    const canned = (await ok(CREATE_CANNED, { input }, agent)).createCannedResponse as { id: string };
    expect(codeOf(await run(LIST, {}, customer))).toBe('FORBIDDEN');
    expect((await ok(LIST, {}, agent)).cannedResponses).toEqual([{ id: canned.id, title: 'Saludo' }]);

    const ticket = await openTicket(customer, {}, 'Mi pedido');
    expect(codeOf(await run(RENDER, { id: canned.id, t: ticket.id }, customer))).toBe('FORBIDDEN');
    expect((await ok(RENDER, { id: canned.id, t: ticket.id }, agent)).renderCannedResponse).toBe(
      `Hola, sobre #${ticket.number} (Mi pedido). {{agent.name}}`,
    );
    expect(codeOf(await run(RENDER, { id: canned.id, t: randomUUID() }, agent))).toBe('NOT_FOUND');

    const edit = { title: 'Saludo 2', body: 'Buenos días' };
    await refused(UPDATE_CANNED, { id: canned.id, input: edit }, customer, 'FORBIDDEN');
    await refused(UPDATE_CANNED, { id: 'x', input: edit }, agent, 'BAD_USER_INPUT', 'id');
    await refused(
      UPDATE_CANNED,
      { id: canned.id, input: { ...edit, title: 'x'.repeat(201) } },
      agent,
      'BAD_USER_INPUT',
      'input.title',
    );
    await refused(UPDATE_CANNED, { id: randomUUID(), input: edit }, agent, 'NOT_FOUND');
    expect((await ok(UPDATE_CANNED, { id: canned.id, input: edit }, agent)).updateCannedResponse).toEqual({
      id: canned.id,
      ...edit,
    });

    await refused(DELETE_CANNED, { id: canned.id }, customer, 'FORBIDDEN');
    await refused(DELETE_CANNED, { id: 'x' }, agent, 'BAD_USER_INPUT', 'id');
    expect((await ok(DELETE_CANNED, { id: canned.id }, agent)).deleteCannedResponse).toBe(true);
    expect((await ok(LIST, {}, agent)).cannedResponses).toEqual([]);
    await refused(DELETE_CANNED, { id: canned.id }, agent, 'NOT_FOUND');
  });
});

describe('FAQs', () => {
  const CREATE_FAQ = `mutation($input: FAQInput!) { createFAQ(input: $input) { id question published } }`;
  const UPDATE_FAQ = `mutation($id: ID!, $input: FAQInput!) { updateFAQ(id: $id, input: $input) { id question answerHtml published } }`;
  const DELETE_FAQ = `mutation($id: ID!) { deleteFAQ(id: $id) }`;
  const SEARCH = `query($q: String) { faqs(search: $q) { totalCount edges { node { id question } } } }`;
  const faq = { question: '¿Hay aparcamiento?', answer: 'Sí, **gratis**.', locale: 'es-ES', published: true };

  test('agents create, edit and delete FAQs; customers cannot; unpublished ones only for agents', async () => {
    await refused(CREATE_FAQ, { input: faq }, customer, 'FORBIDDEN');
    await refused(CREATE_FAQ, { input: { ...faq, locale: 'not a locale!' } }, agent, 'BAD_USER_INPUT', 'input.locale');
    const created = (await ok(CREATE_FAQ, { input: faq }, agent)).createFAQ as { id: string };
    expect((await ok(SEARCH, { q: 'aparcamiento' })).faqs.totalCount).toBe(1);

    const edit = { ...faq, question: '¿Hay parking?', answer: 'Sí, *de pago*.', published: false };
    await refused(UPDATE_FAQ, { id: created.id, input: edit }, customer, 'FORBIDDEN');
    await refused(
      UPDATE_FAQ,
      { id: created.id, input: { ...edit, question: '' } },
      agent,
      'BAD_USER_INPUT',
      'input.question',
    );
    await refused(
      UPDATE_FAQ,
      { id: created.id, input: { ...edit, categoryId: randomUUID() } },
      agent,
      'BAD_USER_INPUT',
      'input.categoryId',
    );
    await refused(UPDATE_FAQ, { id: 'x', input: edit }, agent, 'BAD_USER_INPUT', 'id');
    await refused(UPDATE_FAQ, { id: randomUUID(), input: edit }, agent, 'NOT_FOUND');
    const updated = (await ok(UPDATE_FAQ, { id: created.id, input: edit }, agent)).updateFAQ;
    expect(updated).toEqual({
      id: created.id,
      question: '¿Hay parking?',
      answerHtml: '<p>Sí, <em>de pago</em>.</p>\n',
      published: false,
    });
    expect((await ok(SEARCH, { q: 'parking' })).faqs.totalCount).toBe(0);
    expect((await ok(SEARCH, { q: 'parking' }, agent)).faqs.totalCount).toBe(1);

    await refused(DELETE_FAQ, { id: created.id }, customer, 'FORBIDDEN');
    await refused(DELETE_FAQ, { id: 'x' }, agent, 'BAD_USER_INPUT', 'id');
    expect((await ok(DELETE_FAQ, { id: created.id }, agent)).deleteFAQ).toBe(true);
    expect((await ok(SEARCH, { q: 'parking' }, agent)).faqs.totalCount).toBe(0);
    await refused(DELETE_FAQ, { id: created.id }, agent, 'NOT_FOUND');
  });
});

describe('categories, SLA policies and agents (configuration)', () => {
  test('createSupportCategory: ADMIN only; slugs are checked and unique', async () => {
    const CREATE_CATEGORY = `mutation($input: SupportCategoryInput!) { createSupportCategory(input: $input) { id slug } }`;
    const input = { name: 'Pagos', slug: 'pagos', description: 'Cobros y reembolsos' };
    await refused(CREATE_CATEGORY, { input }, agent, 'FORBIDDEN');
    await refused(
      CREATE_CATEGORY,
      { input: { ...input, slug: 'Con Espacios' } },
      admin,
      'BAD_USER_INPUT',
      'input.slug',
    );
    await refused(CREATE_CATEGORY, { input: { ...input, name: '' } }, admin, 'BAD_USER_INPUT', 'input.name');
    const created = (await ok(CREATE_CATEGORY, { input }, admin)).createSupportCategory as { id: string };
    await refused(CREATE_CATEGORY, { input }, admin, 'CONFLICT', 'input.slug');
    const { supportCategories } = await ok(`{ supportCategories { id name slug } }`, {});
    expect(supportCategories).toContainEqual({ id: created.id, name: 'Pagos', slug: 'pagos' });
  });

  test('setSlaPolicy: ADMIN only; targets are checked; agents read them', async () => {
    const SET = `mutation($p: SupportPriority!, $f: Int!, $r: Int!) {
      setSlaPolicy(priority: $p, firstResponseMinutes: $f, resolutionMinutes: $r) { priority firstResponseMinutes resolutionMinutes } }`;
    const POLICIES = `{ slaPolicies { priority firstResponseMinutes resolutionMinutes } }`;
    await refused(SET, { p: 'HIGH', f: 30, r: 240 }, agent, 'FORBIDDEN');
    await refused(SET, { p: 'HIGH', f: 0, r: 240 }, admin, 'BAD_USER_INPUT', 'firstResponseMinutes');
    await refused(SET, { p: 'HIGH', f: 30, r: 10 }, admin, 'BAD_USER_INPUT', 'resolutionMinutes');
    const policy = { priority: 'HIGH', firstResponseMinutes: 30, resolutionMinutes: 240 };
    expect((await ok(SET, { p: 'HIGH', f: 30, r: 240 }, admin)).setSlaPolicy).toEqual(policy);
    expect(codeOf(await run(POLICIES, {}, customer))).toBe('FORBIDDEN');
    expect((await ok(POLICIES, {}, agent)).slaPolicies).toContainEqual(policy);
  });

  test('setAgentAvailability and supportAgents: an agent sets their own, ADMIN anyone’s', async () => {
    const SET = `mutation($input: SetAgentAvailabilityInput!) { setAgentAvailability(input: $input) {
      agent { id } available maxOpenTickets openTickets } }`;
    const second = await knownUser(['AGENT']);
    await refused(SET, { input: { available: true } }, customer, 'FORBIDDEN');
    await refused(SET, { input: { agentId: second.userId, available: true } }, agent, 'FORBIDDEN');
    await refused(
      SET,
      { input: { available: true, maxOpenTickets: 0 } },
      agent,
      'BAD_USER_INPUT',
      'input.maxOpenTickets',
    );
    await refused(
      SET,
      { input: { agentId: customer.userId, available: true } },
      admin,
      'BAD_USER_INPUT',
      'input.agentId',
    );
    const own = (await ok(SET, { input: { available: false, maxOpenTickets: 7 } }, agent)).setAgentAvailability;
    expect(own).toEqual({ agent: { id: agent.userId }, available: false, maxOpenTickets: 7, openTickets: 0 });
    await ok(SET, { input: { agentId: second.userId, available: false } }, admin);

    const AGENTS = `{ supportAgents { agent { id } available maxOpenTickets } }`;
    expect(codeOf(await run(AGENTS, {}, customer))).toBe('FORBIDDEN');
    expect((await ok(AGENTS, {}, agent)).supportAgents).toEqual(
      expect.arrayContaining([
        { agent: { id: agent.userId }, available: false, maxOpenTickets: 7 },
        { agent: { id: second.userId }, available: false, maxOpenTickets: expect.any(Number) },
      ]),
    );
  });
});

describe('cursors', () => {
  const junk = ['x', Buffer.from(JSON.stringify({ c: 'nope', i: '1' })).toString('base64url')];
  const QUEUE = `query($o: SupportTicketOrder, $first: Int, $after: String) {
    supportTickets(orderBy: $o, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;

  test.each(junk)('a junk `after` (%s) is BAD_USER_INPUT on after, in every list', async (after) => {
    for (const [query, variables, viewer] of [
      [QUEUE, { o: 'SLA_DUE_AT', after }, agent],
      [QUEUE, { o: 'CREATED_AT_DESC', after }, agent],
      [`query($a: String) { faqs(after: $a) { totalCount } }`, { a: after }, null],
      [
        `query($a: String) { me: _entities(representations: [{ __typename: "User", id: "${customer.userId}" }]) { ... on User { supportTickets(after: $a) { totalCount } } } }`,
        { a: after },
        customer,
      ],
    ] as const) {
      const res = await run(query, variables, viewer);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(fieldOf(res)).toBe('after');
    }
  });

  test("a ticket's messages refuse a junk cursor too", async () => {
    const ticket = await openTicket(customer);
    const res = await run(
      `query($id: ID!, $a: String) { supportTicket(id: $id) { messages(after: $a) { totalCount } } }`,
      { id: ticket.id, a: 'x' },
      customer,
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldOf(res)).toBe('after');
  });

  type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] };

  test.each(['SLA_DUE_AT', 'CREATED_AT_DESC'])(
    'paging the queue by %s one ticket at a time gives the whole list, in order (paused tickets have no due time)',
    async (order) => {
      const paused = await openTicket(customer, {}, 'En espera');
      await ok(STATUS, { t: paused.id, s: 'PENDING' }, agent);
      await openTicket(customer, {}, 'Otro');
      const all = (await ok(QUEUE, { o: order, first: 100 }, agent)).supportTickets;
      const ids: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < all.totalCount + 1; page++) {
        const p: Page = (await ok(QUEUE, { o: order, first: 1, after }, agent)).supportTickets;
        ids.push(...p.edges.map((e) => e.node.id));
        if (!p.pageInfo.hasNextPage) break;
        after = p.pageInfo.endCursor;
      }
      expect(ids).toEqual(all.edges.map((e: { node: { id: string } }) => e.node.id));
      expect(ids).toContain(paused.id);
    },
  );
});

describe('replyToSupportTicket', () => {
  const REPLY = `mutation($input: ReplyToSupportTicketInput!) { replyToSupportTicket(input: $input) { id } }`;

  test("an agent's replies announce the ticket's first response; notes and the customer's words announce nothing", async () => {
    const ticket = await openTicket(customer);
    const posted = () =>
      sg.db.outboxEvent.findMany({
        where: { type: 'SupportReplyPosted', payload: { path: ['ticketId'], equals: ticket.id } },
        orderBy: { createdAt: 'asc' },
      });
    await ok(REPLY, { input: { ticketId: ticket.id, body: 'Nota', internal: true } }, agent);
    await ok(REPLY, { input: { ticketId: ticket.id, body: 'Sigo esperando' } }, customer);
    expect(await posted()).toHaveLength(0);
    await ok(REPLY, { input: { ticketId: ticket.id, body: 'Hola, lo miramos' } }, agent);
    await ok(REPLY, { input: { ticketId: ticket.id, body: 'Resuelto' } }, agent);
    const payloads = (await posted()).map((e) => e.payload as { postedAt: string; firstResponseAt: string });
    expect(payloads).toHaveLength(2);
    const stored = await sg.db.supportTicket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(payloads.map((p) => p.firstResponseAt)).toEqual([payloads[0]!.postedAt, payloads[0]!.postedAt]);
    expect(payloads[0]!.firstResponseAt).toBe(stored.firstResponseAt!.toISOString());
  });
});
