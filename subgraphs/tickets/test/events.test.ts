import { startStack, type Stack } from '../../../test/helpers/stack';
import { codeOf, signUp } from '../../../test/helpers/users';
import { EVENT_FIELDS, addTicketType, createEvent, eventInput, inDays, publishEvent, viaGateway } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const LIST = `query($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title } } }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id title } }`;

describe('events and ticket types', () => {
  test('an organizer creates and publishes an event with ticket types; the public list shows only published events', async () => {
    const org = await signUp(stack, 'org1@example.com', { roles: ['ORGANIZER'] });
    const created = await stack.gql(
      `mutation($input: CreateEventInput!) { createEvent(input: $input) { ${EVENT_FIELDS} } }`,
      { input: eventInput({ title: 'Published gig' }) },
      { token: org.accessToken },
    );
    expect(created.errors).toBeUndefined();
    const event = created.data!.createEvent;
    expect(event).toMatchObject({
      status: 'DRAFT',
      organizer: { id: org.id },
      venue: { name: 'Blue Hall', city: 'Madrid', country: 'ES' },
      ticketTypes: [],
    });

    const typeId = await addTicketType(viaGateway(stack, org.accessToken), event.id, { name: 'VIP', priceCents: 9000 });
    await publishEvent(viaGateway(stack, org.accessToken), event.id);
    const draftId = await createEvent(viaGateway(stack, org.accessToken), { title: 'Secret draft' });

    const anon = await stack.gql(LIST, { filter: { organizerId: org.id } });
    expect(anon.errors).toBeUndefined();
    expect(anon.data!.events.totalCount).toBe(1);
    expect(anon.data!.events.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([event.id]);

    const one = await stack.gql(`query($id: ID!) { event(id: $id) { ${EVENT_FIELDS} } }`, { id: event.id });
    expect(one.data!.event).toMatchObject({
      status: 'PUBLISHED',
      ticketTypes: [{ id: typeId, name: 'VIP', priceCents: 9000 }],
    });
    // A draft is the organizer's business only.
    expect((await stack.gql(`query($id: ID!) { event(id: $id) { id } }`, { id: draftId })).data!.event).toBeNull();
    expect(
      (await stack.gql(`query($id: ID!) { event(id: $id) { id } }`, { id: draftId }, { token: org.accessToken })).data!
        .event,
    ).toEqual({ id: draftId });

    // Orders learns every ticket type and status change from the outbox.
    const changes = await stack.db.outboxEvent.findMany({
      where: { type: 'TicketTypeChanged' },
      orderBy: { id: 'asc' },
    });
    const statuses = changes
      .map((c) => c.payload as { ticketTypeId: string; eventStatus: string })
      .filter((p) => p.ticketTypeId === typeId)
      .map((p) => p.eventStatus);
    expect(statuses).toEqual(['DRAFT', 'PUBLISHED']);
  });

  test('the listing filters by search, city and dates, and pages with cursors', async () => {
    const org = await signUp(stack, 'org2@example.com', { roles: ['ORGANIZER'] });
    const ids: string[] = [];
    for (const [i, city] of ['Sevilla', 'Sevilla', 'Bilbao'].entries()) {
      const id = await createEvent(viaGateway(stack, org.accessToken), {
        title: `Flamenco ${i}`,
        startsAt: inDays(10 + i),
        endsAt: inDays(10.1 + i),
        venue: { name: 'Tablao', address: 'Calle 1', city, country: 'ES' },
      });
      await publishEvent(viaGateway(stack, org.accessToken), id);
      ids.push(id);
    }
    const base = { organizerId: org.id };
    const page1 = await stack.gql(LIST, { filter: base, first: 2 });
    expect(page1.data!.events).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = await stack.gql(LIST, { filter: base, first: 2, after: page1.data!.events.pageInfo.endCursor });
    expect(
      [...page1.data!.events.edges, ...page2.data!.events.edges].map((e: { node: { id: string } }) => e.node.id),
    ).toEqual(ids);
    expect((await stack.gql(LIST, { filter: { ...base, city: 'sevilla' } })).data!.events.totalCount).toBe(2);
    expect((await stack.gql(LIST, { filter: { ...base, search: 'CO 2' } })).data!.events.totalCount).toBe(1);
    expect(
      (await stack.gql(LIST, { filter: { ...base, from: inDays(10.5), to: inDays(11.5) } })).data!.events.edges[0].node
        .id,
    ).toBe(ids[1]);
  });

  test("an organizer cannot edit, publish or add ticket types to another organizer's event", async () => {
    const owner = await signUp(stack, 'owner@example.com', { roles: ['ORGANIZER'] });
    const rival = await signUp(stack, 'rival@example.com', { roles: ['ORGANIZER'] });
    const eventId = await createEvent(viaGateway(stack, owner.accessToken), { title: 'Mine' });
    await publishEvent(viaGateway(stack, owner.accessToken), eventId);
    const before = await stack.db.event.findUniqueOrThrow({ where: { id: eventId } });

    const attempts = [
      stack.gql(UPDATE, { id: eventId, input: { title: 'Hijacked' } }, { token: rival.accessToken }),
      stack.gql(
        `mutation($id: ID!) { cancelEvent(id: $id, reason: "no") { id } }`,
        { id: eventId },
        { token: rival.accessToken },
      ),
      stack.gql(
        `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
        { input: { eventId, name: 'Fake', priceCents: 1, currency: 'EUR', capacity: 1 } },
        { token: rival.accessToken },
      ),
      stack.gql(
        `mutation($e: ID!, $u: ID!) { assignScanner(eventId: $e, userId: $u) }`,
        { e: eventId, u: rival.id },
        { token: rival.accessToken },
      ),
    ];
    for (const res of await Promise.all(attempts)) expect(codeOf(res)).toBe('FORBIDDEN');
    expect(await stack.db.event.findUniqueOrThrow({ where: { id: eventId } })).toEqual(before);
    expect(await stack.db.ticketType.count({ where: { eventId } })).toBe(0);

    // An ADMIN may; a customer may not even create events.
    const admin = await signUp(stack, 'admin@example.com', { roles: ['ADMIN'] });
    expect(
      (await stack.gql(UPDATE, { id: eventId, input: { title: 'Renamed by admin' } }, { token: admin.accessToken }))
        .data!.updateEvent.title,
    ).toBe('Renamed by admin');
    const customer = await signUp(stack, 'cust@example.com');
    expect(
      codeOf(
        await stack.gql(
          `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
          { input: eventInput() },
          { token: customer.accessToken },
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  test('bad input is refused with BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const org = await signUp(stack, 'org3@example.com', { roles: ['ORGANIZER'] });
    const create = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`;
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '  ' }, 'input.title'],
      [{ timezone: 'Mars/Olympus' }, 'input.timezone'],
      [{ endsAt: inDays(1) }, 'input.endsAt'],
      [{ venue: { name: 'X', address: 'Y', city: 'Z', country: 'Spain' } }, 'input.venue.country'],
      [{ coverImageUrl: 'ftp://x' }, 'input.coverImageUrl'],
    ];
    for (const [overrides, field] of cases) {
      const res = await stack.gql(create, { input: eventInput(overrides) }, { token: org.accessToken });
      expect({ field, code: codeOf(res), at: res.errors?.[0]?.extensions?.field }).toEqual({
        field,
        code: 'BAD_USER_INPUT',
        at: field,
      });
    }
    expect(await stack.db.event.count({ where: { organizerId: org.id } })).toBe(0);

    const eventId = await createEvent(viaGateway(stack, org.accessToken));
    const typeCases: [Record<string, unknown>, string][] = [
      [{ currency: 'EURO' }, 'input.currency'],
      [{ priceCents: -1 }, 'input.priceCents'],
      [{ capacity: 0 }, 'input.capacity'],
      [{ capacity: 5, maxPerOrder: 6 }, 'input.maxPerOrder'],
      [{ salesStartAt: inDays(5), salesEndAt: inDays(4) }, 'input.salesEndAt'],
    ];
    for (const [overrides, field] of typeCases) {
      const res = await stack.gql(
        `mutation($input: CreateTicketTypeInput!) { createTicketType(input: $input) { id } }`,
        { input: { eventId, name: 'T', priceCents: 100, currency: 'EUR', capacity: 10, ...overrides } },
        { token: org.accessToken },
      );
      expect({ field, code: codeOf(res), at: res.errors?.[0]?.extensions?.field }).toEqual({
        field,
        code: 'BAD_USER_INPUT',
        at: field,
      });
    }
    expect(await stack.db.ticketType.count({ where: { eventId } })).toBe(0);
    expect(codeOf(await stack.gql(UPDATE, { id: 'nope', input: {} }, { token: org.accessToken }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      codeOf(
        await stack.gql(UPDATE, { id: '00000000-0000-4000-8000-000000000000', input: {} }, { token: org.accessToken }),
      ),
    ).toBe('NOT_FOUND');
  });

  test('cancelling emits EventCancelled and freezes the event', async () => {
    const org = await signUp(stack, 'org4@example.com', { roles: ['ORGANIZER'] });
    const eventId = await createEvent(viaGateway(stack, org.accessToken));
    await addTicketType(viaGateway(stack, org.accessToken), eventId);
    await publishEvent(viaGateway(stack, org.accessToken), eventId);
    const res = await stack.gql(
      `mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm") { status cancelReason } }`,
      { id: eventId },
      { token: org.accessToken },
    );
    expect(res.data!.cancelEvent).toEqual({ status: 'CANCELLED', cancelReason: 'Storm' });
    const cancelled = await stack.db.outboxEvent.findMany({ where: { type: 'EventCancelled' } });
    expect(cancelled.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ eventId, organizerId: org.id, reason: 'Storm' }),
    );
    const last = await stack.db.outboxEvent.findFirst({
      where: { type: 'TicketTypeChanged' },
      orderBy: { id: 'desc' },
    });
    expect(last!.payload).toMatchObject({ eventId, eventStatus: 'CANCELLED' });
    expect(codeOf(await stack.gql(UPDATE, { id: eventId, input: { title: 'Back' } }, { token: org.accessToken }))).toBe(
      'CONFLICT',
    );
  });
});
