/**
 * The tickets subgraph in process: every entity it resolves by `@key` through `_entities`,
 * as the gateway asks for it, for a caller who may see it and for callers who may not.
 */
import type { Viewer } from '../../../shared/auth/tokens';
import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';
import { addTicketType, createEvent, inProcess, payOrder, publishedEvent, ticketsIssued } from './helpers';

const ENTITIES = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Event { id title status }
    ... on TicketType { id name }
    ... on Ticket { id qr holder { id } }
    ... on User { id tickets { totalCount edges { node { id } } } }
    ... on Order { id orderTickets: tickets { id qr } }
  }
}`;

let sg: InProcessSubgraph;
let organizer: Viewer;
let rival: Viewer;
let buyer: Viewer;
let stranger: Viewer;
let published: { eventId: string; ticketTypeId: string };
let draft: { eventId: string; ticketTypeId: string };
let order: { orderId: string };
let ticketId: string;

beforeAll(async () => {
  sg = await startSubgraph('tickets', { workers: true });
  organizer = sg.viewer('ORGANIZER');
  rival = sg.viewer('ORGANIZER');
  buyer = sg.viewer('CUSTOMER');
  stranger = sg.viewer('CUSTOMER');
  const asOrganizer = inProcess(sg, organizer);
  published = await publishedEvent(asOrganizer, { title: 'Open night' });
  const draftId = await createEvent(asOrganizer, { title: 'Secret draft' });
  draft = { eventId: draftId, ticketTypeId: await addTicketType(asOrganizer, draftId, { name: 'Hidden' }) };
  order = await payOrder(sg.db, buyer.userId, [{ ...published, quantity: 1 }]);
  ticketId = (await ticketsIssued(sg.db, order.orderId, 1))[0]!.id;
}, 120_000); // the event workers issue the ticket: generous on a busy machine
afterAll(() => sg.stop());

const resolve = (viewer: Viewer | null, typename: string, id: string) =>
  sg.execute(ENTITIES, { reps: [{ __typename: typename, id }] }, viewer);

/** Refused: the given code, and nothing of the entity in the answer. */
async function expectRefused(answer: ReturnType<typeof resolve>, code: string, secrets: string[]) {
  const res = await answer;
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  const body = JSON.stringify(res.data ?? null);
  for (const secret of secrets) expect(body).not.toContain(secret);
}

describe('_entities, one test per @key', () => {
  test('Event: published ones for anyone, a draft only for whoever manages it', async () => {
    const open = await resolve(null, 'Event', published.eventId);
    expect(open.errors).toBeUndefined();
    expect(open.data!._entities).toEqual([{ id: published.eventId, title: 'Open night', status: 'PUBLISHED' }]);
    const own = await resolve(organizer, 'Event', draft.eventId);
    expect(own.data!._entities).toEqual([{ id: draft.eventId, title: 'Secret draft', status: 'DRAFT' }]);

    await expectRefused(resolve(null, 'Event', draft.eventId), 'UNAUTHENTICATED', ['Secret draft']);
    await expectRefused(resolve(rival, 'Event', draft.eventId), 'FORBIDDEN', ['Secret draft']);
  });

  test("TicketType: visible with its event, a draft's only to whoever manages it", async () => {
    const open = await resolve(stranger, 'TicketType', published.ticketTypeId);
    expect(open.data!._entities).toEqual([{ id: published.ticketTypeId, name: 'General' }]);
    const own = await resolve(organizer, 'TicketType', draft.ticketTypeId);
    expect(own.data!._entities).toEqual([{ id: draft.ticketTypeId, name: 'Hidden' }]);

    await expectRefused(resolve(null, 'TicketType', draft.ticketTypeId), 'UNAUTHENTICATED', ['Hidden']);
    await expectRefused(resolve(rival, 'TicketType', draft.ticketTypeId), 'FORBIDDEN', ['Hidden']);
  });

  test('Ticket: its holder and its organizer see it and its code; nobody else', async () => {
    for (const viewer of [buyer, organizer]) {
      const res = await resolve(viewer, 'Ticket', ticketId);
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([
        { id: ticketId, qr: expect.stringMatching(/^TK1\./), holder: { id: buyer.userId } },
      ]);
    }
    await expectRefused(resolve(null, 'Ticket', ticketId), 'UNAUTHENTICATED', ['TK1.', buyer.userId]);
    await expectRefused(resolve(stranger, 'Ticket', ticketId), 'FORBIDDEN', ['TK1.', buyer.userId]);
    await expectRefused(resolve(rival, 'Ticket', ticketId), 'FORBIDDEN', ['TK1.', buyer.userId]);
  });

  test("User: a user's tickets for the user themself and ADMIN only", async () => {
    for (const viewer of [buyer, sg.viewer('ADMIN')]) {
      const res = await resolve(viewer, 'User', buyer.userId);
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([
        { id: buyer.userId, tickets: { totalCount: 1, edges: [{ node: { id: ticketId } }] } },
      ]);
    }
    await expectRefused(resolve(null, 'User', buyer.userId), 'UNAUTHENTICATED', [ticketId]);
    await expectRefused(resolve(stranger, 'User', buyer.userId), 'FORBIDDEN', [ticketId]);
  });

  test("Order: an order's tickets for its buyer and the event's organizer; none for anyone else", async () => {
    for (const viewer of [buyer, organizer]) {
      const res = await resolve(viewer, 'Order', order.orderId);
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([
        { id: order.orderId, orderTickets: [{ id: ticketId, qr: expect.stringMatching(/^TK1\./) }] },
      ]);
    }
    await expectRefused(resolve(null, 'Order', order.orderId), 'UNAUTHENTICATED', [ticketId, 'TK1.']);
    // A signed-in stranger gets the order's key back with an empty list: the list is filtered.
    const strangers = await resolve(stranger, 'Order', order.orderId);
    expect(strangers.errors).toBeUndefined();
    expect(strangers.data!._entities).toEqual([{ id: order.orderId, orderTickets: [] }]);
  });
});
