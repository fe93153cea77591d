import { randomUUID } from 'node:crypto';
import { eventually } from '../../../test/helpers/eventually';
import { startGamification, type GamificationHarness } from './helpers';
import { CREATE_BADGE, admin, checkedIn, rule, standing } from './fixtures';

/** Challenges with a fixed clock that the test moves: joining, progress, winners fixed by the closing worker. */
let clock = new Date('2026-03-04T12:00:00.000Z');
let g: GamificationHarness;
let badgeId: string;
beforeAll(async () => {
  g = await startGamification({ now: () => clock });
  await rule(g, { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 50 });
  badgeId = (
    await admin<{ createBadge: { id: string } }>(g, CREATE_BADGE, {
      input: {
        name: 'Campeón de marzo',
        kind: 'FIRST_TIME',
        requirements: [{ trigger: 'ACCOUNT_REGISTERED', count: 1 }],
        enabled: false,
      },
    })
  ).createBadge.id;
});
afterAll(() => g.stop());

const CREATE = `mutation ($input: ChallengeInput!) { createChallenge(input: $input) { id status } }`;
const JOIN = `mutation ($id: ID!) { joinChallenge(id: $id) { joined progress goal completed won } }`;
interface Read {
  challenge: { status: string; participantCount: number; viewerProgress: Record<string, unknown> };
}
interface Joined {
  joinChallenge: Record<string, unknown>;
}
const READ = `query ($id: ID!) { challenge(id: $id) { status participantCount viewerProgress { joined progress completed won } } }`;

test('participants who reach the goal in the window win, once; what falls outside the window does not count', async () => {
  const { createChallenge } = await admin<{ createChallenge: { id: string; status: string } }>(g, CREATE, {
    input: {
      name: 'Maratón de conciertos',
      startsAt: '2026-03-02T00:00:00.000Z',
      endsAt: '2026-03-09T00:00:00.000Z',
      goalKind: 'POINTS',
      goal: 100,
      rewardPoints: 200,
      rewardBadgeId: badgeId,
    },
  });
  expect(createChallenge.status).toBe('ACTIVE');
  const [winner, short, outsider] = [randomUUID(), randomUUID(), randomUUID()];
  for (const user of [winner, short]) {
    const res = await g.execute<Joined>(JOIN, { id: createChallenge.id }, g.viewer('CUSTOMER', user));
    expect(res.data!.joinChallenge).toEqual({ joined: true, progress: 0, goal: 100, completed: false, won: null });
  }
  await g.deliver('TicketCheckedIn', checkedIn(winner, '2026-03-03T20:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(winner, '2026-03-08T20:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(short, '2026-03-03T20:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(short, '2026-03-09T10:00:00.000Z')); // after the window
  await g.deliver('TicketCheckedIn', checkedIn(outsider, '2026-03-03T20:00:00.000Z')); // never joined
  const progress = await g.execute<Read>(READ, { id: createChallenge.id }, g.viewer('CUSTOMER', winner));
  expect(progress.data!.challenge).toEqual({
    status: 'ACTIVE',
    participantCount: 2,
    viewerProgress: { joined: true, progress: 100, completed: true, won: null },
  });

  clock = new Date('2026-03-09T12:00:00.000Z');
  // Joining an ended challenge is refused.
  const late = await g.execute<Joined>(JOIN, { id: createChallenge.id }, g.viewer('CUSTOMER', outsider));
  expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
  const closed = await eventually(
    async () => {
      const res = await g.execute<Read>(READ, { id: createChallenge.id }, g.viewer('CUSTOMER', winner));
      return res.data!.challenge.status === 'CLOSED' && res.data!.challenge;
    },
    { what: 'the challenge to close' },
  );
  expect(closed.viewerProgress).toEqual({ joined: true, progress: 100, completed: true, won: true });
  const other = await g.execute<Read>(READ, { id: createChallenge.id }, g.viewer('CUSTOMER', short));
  expect(other.data!.challenge.viewerProgress).toEqual({ joined: true, progress: 50, completed: false, won: false });
  expect(await standing(g, winner)).toMatchObject({ points: 300, badges: [{ name: 'Campeón de marzo' }] });
  expect((await standing(g, short)).points).toBe(100);

  // A restarted closer fixes nothing twice.
  await g.stopWorkers();
  g.startWorkers();
  await g.deliver('TicketCheckedIn', checkedIn(randomUUID(), '2026-03-09T11:00:00.000Z')); // a marker the new workers handle
  expect(await g.db.ledgerEntry.count({ where: { sourceType: 'Challenge' } })).toBe(1);
});

test('a COUNT challenge at one event counts only check-ins there', async () => {
  clock = new Date('2026-04-01T12:00:00.000Z');
  const eventId = randomUUID();
  const { createChallenge } = await admin<{ createChallenge: { id: string } }>(g, CREATE, {
    input: {
      name: 'Fiel al festival',
      startsAt: '2026-04-01T00:00:00.000Z',
      endsAt: '2026-04-30T00:00:00.000Z',
      goalKind: 'COUNT',
      trigger: 'TICKET_CHECKED_IN',
      goal: 2,
      scopeEventId: eventId,
    },
  });
  const user = randomUUID();
  await g.execute<Joined>(JOIN, { id: createChallenge.id }, g.viewer('CUSTOMER', user));
  await g.deliver('TicketCheckedIn', { ...checkedIn(user, '2026-04-02T20:00:00.000Z'), eventId });
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-04-03T20:00:00.000Z')); // another event
  const res = await g.execute<Read>(READ, { id: createChallenge.id }, g.viewer('CUSTOMER', user));
  expect(res.data!.challenge.viewerProgress).toMatchObject({ progress: 1, completed: false });
});

test('bad challenges are BAD_USER_INPUT naming the field', async () => {
  const base = {
    name: 'x',
    startsAt: '2026-05-02T00:00:00.000Z',
    endsAt: '2026-05-09T00:00:00.000Z',
    goalKind: 'POINTS',
    goal: 10,
  };
  for (const [input, field] of [
    [{ ...base, endsAt: '2026-05-01T00:00:00.000Z' }, 'input.endsAt'],
    [{ ...base, name: '' }, 'input.name'],
    [{ ...base, goalKind: 'COUNT' }, 'input.trigger'],
    [{ ...base, rewardBadgeId: randomUUID() }, 'input.rewardBadgeId'],
  ] as const) {
    const res = await g.execute(CREATE, { input }, g.viewer('ADMIN'));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
  const customer = await g.execute(CREATE, { input: base }, g.viewer('CUSTOMER'));
  expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
