import { randomUUID } from 'node:crypto';
import { startGamification, type GamificationHarness } from './helpers';
import { CREATE_BADGE, admin, checkedIn, rule, standing } from './fixtures';

/** Caps, multipliers, active windows and badges over time: every time comes from the events. */
let g: GamificationHarness;
let capped: string;
beforeAll(async () => {
  g = await startGamification();
  capped = await rule(g, {
    name: 'Asistencia',
    trigger: 'TICKET_CHECKED_IN',
    fixedPoints: 60,
    dailyCap: 100,
    weeklyCap: 220,
  });
  // Double points on the weekend of 2026-03-07/08, Madrid time (CET, UTC+1).
  await rule(g, {
    name: 'Fin de semana doble',
    trigger: 'TICKET_CHECKED_IN',
    fixedPoints: 5,
    multiplier: 2,
    activeFrom: '2026-03-06T23:00:00.000Z',
    activeUntil: '2026-03-08T23:00:00.000Z',
  });
  await admin(g, CREATE_BADGE, {
    input: { name: 'Dos semanas seguidas', kind: 'STREAK', requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 2 }] },
  });
  await admin(g, CREATE_BADGE, {
    input: {
      name: 'Tres en una semana',
      kind: 'WINDOWED',
      windowDays: 7,
      requirements: [{ trigger: 'TICKET_CHECKED_IN', count: 3 }],
    },
  });
});
afterAll(() => g.stop());

const awards = async (userId: string) =>
  (await g.db.ledgerEntry.findMany({ where: { userId }, orderBy: [{ occurredAt: 'asc' }, { amount: 'desc' }] })).map(
    (e) => [e.reason, e.amount],
  );

test('daily and weekly caps per user, counted in local days', async () => {
  const user = randomUUID();
  // Monday 2026-03-02 to Thursday, Madrid: 60 + 40 (daily cap 100), 60 + 40, then the week's 220 leave 20.
  for (const at of [
    '2026-03-02T09:00:00.000Z',
    '2026-03-02T22:30:00.000Z', // 23:30 local: still Monday
    '2026-03-02T23:30:00.000Z', // 00:30 local: Tuesday
    '2026-03-03T12:00:00.000Z',
    '2026-03-04T12:00:00.000Z',
    '2026-03-05T12:00:00.000Z',
  ])
    await g.deliver('TicketCheckedIn', checkedIn(user, at));
  expect(await awards(user)).toEqual([
    ['Asistencia', 60],
    ['Asistencia', 40],
    ['Asistencia', 60],
    ['Asistencia', 40],
    ['Asistencia', 20],
  ]);
  // A new local week (Monday 2026-03-09, 00:30 local) starts again.
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-08T23:30:00.000Z'));
  expect((await awards(user)).at(-1)).toEqual(['Asistencia', 60]);
});

test('a multiplier applies only inside its active window; changing a rule keeps history', async () => {
  const user = randomUUID();
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-06T22:30:00.000Z')); // Friday 23:30 local
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-07T10:00:00.000Z')); // Saturday
  expect(await awards(user)).toEqual([
    ['Asistencia', 60],
    ['Asistencia', 60], // another local day: its own daily cap
    ['Fin de semana doble', 10],
  ]);
  await admin(
    g,
    `mutation ($id: ID!, $input: EarningRuleInput!) { updateEarningRule(id: $id, input: $input) { id } }`,
    {
      id: capped,
      input: { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 1, dailyCap: 100, weeklyCap: 220 },
    },
  );
  expect((await standing(g, user)).points).toBe(130);
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-03-12T10:00:00.000Z'));
  expect((await standing(g, user)).points).toBe(131);
  await admin(
    g,
    `mutation ($id: ID!, $input: EarningRuleInput!) { updateEarningRule(id: $id, input: $input) { id } }`,
    {
      id: capped,
      input: { name: 'Asistencia', trigger: 'TICKET_CHECKED_IN', fixedPoints: 60, dailyCap: 100, weeklyCap: 220 },
    },
  );
});

test('a streak badge counts local weeks across the DST change (Europe/Madrid, 2026-03-29)', async () => {
  const streak = randomUUID();
  const sameWeek = randomUUID();
  // 2026-03-29T22:30Z is Monday 00:30 in Madrid (CEST): a new week there, still Sunday in UTC.
  await g.deliver('TicketCheckedIn', checkedIn(streak, '2026-03-25T19:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(streak, '2026-03-29T22:30:00.000Z'));
  // 2026-03-29T21:30Z is Sunday 23:30 in Madrid: the same week as the Monday before.
  await g.deliver('TicketCheckedIn', checkedIn(sameWeek, '2026-03-23T10:00:00.000Z'));
  await g.deliver('TicketCheckedIn', checkedIn(sameWeek, '2026-03-29T21:30:00.000Z'));
  expect((await standing(g, streak)).badges.map((b) => b.name)).toEqual(['Dos semanas seguidas']);
  expect((await standing(g, sameWeek)).badges.map((b) => b.name)).toEqual([]);
});

test('a windowed badge needs its count within the window, and is awarded once', async () => {
  const user = randomUUID();
  for (const at of ['2026-05-01T10:00:00.000Z', '2026-05-09T10:00:00.000Z', '2026-05-10T10:00:00.000Z'])
    await g.deliver('TicketCheckedIn', checkedIn(user, at));
  const windowed = async () => (await standing(g, user)).badges.filter((b) => b.name === 'Tres en una semana');
  expect(await windowed()).toEqual([]);
  for (const at of ['2026-05-11T10:00:00.000Z', '2026-05-12T10:00:00.000Z'])
    await g.deliver('TicketCheckedIn', checkedIn(user, at));
  expect(await windowed()).toEqual([{ name: 'Tres en una semana' }]);
  const badge = await g.db.badge.findUniqueOrThrow({ where: { name: 'Tres en una semana' } });
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-05-13T10:00:00.000Z'));
  expect(await g.db.badgeAward.count({ where: { userId: user, badgeId: badge.id } })).toBe(1);
});

test('policy: a badge is never revoked and a cap is not freed when the points are taken back', async () => {
  const user = randomUUID();
  // Monday 2026-04-13 to Wednesday, Madrid: 60 + 40 (the daily cap), then 60: three in a week.
  const first = checkedIn(user, '2026-04-13T09:00:00.000Z');
  for (const c of [first, checkedIn(user, '2026-04-13T12:00:00.000Z'), checkedIn(user, '2026-04-15T12:00:00.000Z')])
    await g.deliver('TicketCheckedIn', c);
  expect((await standing(g, user)).badges).toEqual([{ name: 'Tres en una semana' }]);
  // The first ticket is voided: its 60 points go, the badge it helped earn stays.
  await g.deliver('TicketVoided', { ...first, wasCheckedIn: true, voidedAt: '2026-04-13T15:00:00.000Z' });
  expect(await standing(g, user)).toMatchObject({ points: 40 + 60, badges: [{ name: 'Tres en una semana' }] });
  // Monday's cap still counts the 100 awarded, reversal or not: another check-in that day earns nothing.
  await g.deliver('TicketCheckedIn', checkedIn(user, '2026-04-13T18:00:00.000Z'));
  expect((await standing(g, user)).points).toBe(100);
  expect(await awards(user)).toEqual([
    ['Asistencia', 60],
    ['Asistencia', 40],
    ['Entrada anulada', -60],
    ['Asistencia', 60],
  ]);
});
