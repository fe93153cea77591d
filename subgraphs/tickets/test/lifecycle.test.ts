/**
 * The tickets subgraph in process, on a clock of its own: completing events, changing ticket
 * types, and paging through the lists with cursors (and refusing cursors it never made).
 */
import type { Viewer } from '../../../shared/auth/tokens';
import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { inProcess, payOrder, publishedEvent, ticketsIssued } from './helpers';

const DAY = 86_400_000;
/** Tests that wait for the event workers get a deadline generous on a busy machine. */
const SLOW = 120_000;
let clock = Date.now();
let sg: InProcessSubgraph;
let organizer: Viewer;
let rival: Viewer;

beforeAll(async () => {
  sg = await startSubgraph('tickets', { workers: true, now: () => new Date(clock) });
  organizer = sg.viewer('ORGANIZER');
  rival = sg.viewer('ORGANIZER');
});
afterAll(() => sg.stop());

/** Starts and ends of an event `days` ahead of the subgraph's clock (ISO, as clients send them). */
const ahead = (days: number) => ({
  startsAt: new Date(clock + days * DAY).toISOString(),
  endsAt: new Date(clock + (days + 0.2) * DAY).toISOString(),
});

const codeOf = (res: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  res.errors?.[0]?.extensions?.code;
const fieldOf = (res: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  res.errors?.[0]?.extensions?.field;

/** The `eventStatus` of every TicketTypeChanged of this ticket type, oldest first. */
async function announcedStatuses(ticketTypeId: string): Promise<string[]> {
  const rows = await sg.db.outboxEvent.findMany({ where: { type: 'TicketTypeChanged' }, orderBy: { id: 'asc' } });
  return rows
    .map((r) => r.payload as { ticketTypeId: string; eventStatus: string })
    .filter((p) => p.ticketTypeId === ticketTypeId)
    .map((p) => p.eventStatus);
}

describe('completeEvent', () => {
  const COMPLETE = `mutation ($id: ID!) { completeEvent(id: $id) { id status } }`;

  test('a PUBLISHED event that has started becomes COMPLETED, announced to orders; nothing else does', async () => {
    const asOrganizer = inProcess(sg, organizer);
    const { eventId, ticketTypeId } = await publishedEvent(asOrganizer, { title: 'Tonight', ...ahead(1) });
    const notYet = await asOrganizer(COMPLETE, { id: eventId });
    expect(codeOf(notYet)).toBe('CONFLICT');

    clock += 2 * DAY; // past the event's start
    expect(codeOf(await sg.execute(COMPLETE, { id: eventId }, rival))).toBe('FORBIDDEN');
    expect(codeOf(await sg.execute(COMPLETE, { id: eventId }))).toBe('UNAUTHENTICATED');
    expect((await sg.db.event.findUniqueOrThrow({ where: { id: eventId } })).status).toBe('PUBLISHED');

    const done = await asOrganizer(COMPLETE, { id: eventId });
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeEvent).toEqual({ id: eventId, status: 'COMPLETED' });
    expect(await announcedStatuses(ticketTypeId)).toEqual(['DRAFT', 'PUBLISHED', 'COMPLETED']);

    // Final: no second completion, no edits.
    expect(codeOf(await asOrganizer(COMPLETE, { id: eventId }))).toBe('CONFLICT');
    const edit = await asOrganizer(`mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Again" }) { id } }`, {
      id: eventId,
    });
    expect(codeOf(edit)).toBe('CONFLICT');
    expect(await announcedStatuses(ticketTypeId)).toEqual(['DRAFT', 'PUBLISHED', 'COMPLETED']);
  });
});

describe('updateTicketType', () => {
  const UPDATE = `mutation ($id: ID!, $input: UpdateTicketTypeInput!) {
    updateTicketType(id: $id, input: $input) { id name priceCents capacity maxPerOrder }
  }`;

  test(
    'changes what is given, announces it, and never goes below the tickets issued',
    async () => {
      const asOrganizer = inProcess(sg, organizer);
      const { eventId, ticketTypeId } = await publishedEvent(asOrganizer, ahead(30));
      const order = await payOrder(sg.db, sg.viewer('CUSTOMER').userId, [{ eventId, ticketTypeId, quantity: 3 }]);
      await ticketsIssued(sg.db, order.orderId, 3);

      const changed = await asOrganizer(UPDATE, {
        id: ticketTypeId,
        input: { priceCents: 4000, capacity: 3, maxPerOrder: 3 },
      });
      expect(changed.errors).toBeUndefined();
      expect(changed.data!.updateTicketType).toEqual({
        id: ticketTypeId,
        name: 'General',
        priceCents: 4000,
        capacity: 3,
        maxPerOrder: 3,
      });
      const last = await sg.db.outboxEvent.findFirstOrThrow({
        where: { type: 'TicketTypeChanged' },
        orderBy: { id: 'desc' },
      });
      expect(last.payload).toMatchObject({ ticketTypeId, priceCents: 4000, capacity: 3, eventStatus: 'PUBLISHED' });

      const below = await asOrganizer(UPDATE, { id: ticketTypeId, input: { capacity: 2, maxPerOrder: 2 } });
      expect({ code: codeOf(below), field: fieldOf(below) }).toEqual({ code: 'CONFLICT', field: 'input.capacity' });
      const cleared = await asOrganizer(UPDATE, { id: ticketTypeId, input: { name: null } });
      expect({ code: codeOf(cleared), field: fieldOf(cleared) }).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.name',
      });
      expect(codeOf(await sg.execute(UPDATE, { id: ticketTypeId, input: { priceCents: 1 } }, rival))).toBe('FORBIDDEN');
      const missing = await asOrganizer(UPDATE, {
        id: '00000000-0000-4000-8000-000000000000',
        input: { priceCents: 1 },
      });
      expect(codeOf(missing)).toBe('NOT_FOUND');

      expect(await sg.db.ticketType.findUniqueOrThrow({ where: { id: ticketTypeId } })).toMatchObject({
        name: 'General',
        priceCents: 4000,
        capacity: 3,
      });
    },
    SLOW,
  );
});

describe('cursors', () => {
  const EVENTS = `query ($after: String) { events(first: 1, after: $after) { edges { node { id } } pageInfo { endCursor } } }`;
  const MY_TICKETS = `query ($after: String) { myTickets(first: 1, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
  const JUNK = ['x', Buffer.from(JSON.stringify({ c: 'nope', i: '1' })).toString('base64url')];

  test('a junk or forged `after` is BAD_USER_INPUT on `after`, for events and myTickets', async () => {
    const holder = sg.viewer('CUSTOMER');
    for (const after of JUNK) {
      for (const [query, viewer] of [
        [EVENTS, null],
        [MY_TICKETS, holder],
      ] as const) {
        const res = await sg.execute(query, { after }, viewer);
        expect({ after, code: codeOf(res), field: fieldOf(res) }).toEqual({
          after,
          code: 'BAD_USER_INPUT',
          field: 'after',
        });
        expect(res.data).toBeNull();
      }
    }
  });

  test(
    "a page's endCursor leads to the next page",
    async () => {
      const asOrganizer = inProcess(sg, organizer);
      const holder = sg.viewer('CUSTOMER');
      const { eventId, ticketTypeId } = await publishedEvent(asOrganizer, ahead(30));
      const order = await payOrder(sg.db, holder.userId, [{ eventId, ticketTypeId, quantity: 2 }]);
      const issued = await ticketsIssued(sg.db, order.orderId, 2);

      const first = await sg.execute(MY_TICKETS, {}, holder);
      expect(first.data!.myTickets).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
      const second = await sg.execute(MY_TICKETS, { after: first.data!.myTickets.pageInfo.endCursor }, holder);
      expect(second.data!.myTickets.pageInfo.hasNextPage).toBe(false);
      const seen = [...first.data!.myTickets.edges, ...second.data!.myTickets.edges].map(
        (e: { node: { id: string } }) => e.node.id,
      );
      expect(seen.sort()).toEqual(issued.map((t) => t.id).sort());
    },
    SLOW,
  );
});
