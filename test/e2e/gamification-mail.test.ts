import { email, newAccount, ok, type Account } from '../helpers/commerce';
import { eventually } from '../helpers/eventually';
import { mailTo, mailsTo } from '../helpers/mail';
import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';

/**
 * Gamification's news by mail, through the gateway and the stack's real SMTP server: winning a
 * challenge, the level and the badge it brings. They are marketing-type: each carries the
 * RFC 8058 one-click headers, a user who turned marketing mail off gets none, and the link's
 * one-click POST stops the next ones. Absence is proved by a later transactional mail (a marker).
 */
let stack: Stack;
let admin: Account;
beforeAll(async () => {
  stack = await startStack();
  admin = await newAccount(stack, 'admin', ['ADMIN']);
}, 120_000);
afterAll(() => stack?.stop());

const SCRIPT = '<script>alert(1)</script>';
const asAdmin = (query: string, input: Record<string, unknown>) => ok(stack, query, { input }, admin.accessToken);
const adjust = (userId: string, amount: number) =>
  asAdmin(`mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }`, {
    userId,
    amount,
    reason: 'test',
  });
/** A transactional mail to `address` that was asked for after everything before it. */
async function marker(address: string, n: number) {
  await ok(stack, `mutation($email: String!) { requestPasswordReset(email: $email) }`, { email: address });
  await eventually(async () => (await mailsTo(stack, address)).filter((m) => /contraseña/.test(m.subject))[n - 1], {
    what: `reset mail ${n} to ${address}`,
  });
}

test('challenge won, level reached, badge earned: mailed with one-click unsubscribe, never to who opted out', async () => {
  await asAdmin(`mutation($input: LevelInput!) { createLevel(input: $input) { id } }`, {
    name: 'Inicial',
    threshold: 0,
  });
  await asAdmin(`mutation($input: LevelInput!) { createLevel(input: $input) { id } }`, {
    name: `Habitual ${SCRIPT}`,
    threshold: 100,
  });
  await asAdmin(`mutation($input: LevelInput!) { createLevel(input: $input) { id } }`, {
    name: 'Leyenda',
    threshold: 5000,
  });
  const badge = await asAdmin(`mutation($input: BadgeInput!) { createBadge(input: $input) { id } }`, {
    name: `Campeón ${SCRIPT}`,
    kind: 'FIRST_TIME',
    requirements: [{ trigger: 'ACCOUNT_REGISTERED', count: 1 }],
    enabled: false,
  });
  const now = Date.now();
  const { createChallenge } = await asAdmin(
    `mutation($input: ChallengeInput!) { createChallenge(input: $input) { id } }`,
    {
      name: `Maratón ${SCRIPT}`,
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 86_400_000).toISOString(),
      goalKind: 'POINTS',
      goal: 50,
      rewardPoints: 200,
      rewardBadgeId: badge.createBadge.id,
    },
  );
  const fanEmail = email('fan');
  const quietEmail = email('quiet');
  const fan = await signUp(stack, fanEmail);
  const quiet = await signUp(stack, quietEmail);
  await ok(
    stack,
    `mutation { setNotificationPreferences(input: { marketingEmail: false }) { marketingEmail } }`,
    {},
    quiet.accessToken,
  );
  for (const user of [fan, quiet]) {
    await ok(
      stack,
      `mutation($id: ID!) { joinChallenge(id: $id) { joined } }`,
      { id: createChallenge.id },
      user.accessToken,
    );
    await adjust(user.id, 60);
  }

  // Its window ends now (after the points above): the closer fixes the winners, and mails the
  // win, then the level its reward reaches, then its badge.
  await stack.db.challenge.update({ where: { id: createChallenge.id }, data: { endsAt: new Date() } });
  const won = await mailTo(stack, fanEmail, /^Has ganado el reto/, 60_000);
  const level = await mailTo(stack, fanEmail, /^Has alcanzado el nivel/);
  const earned = await mailTo(stack, fanEmail, /^Nueva insignia/);
  expect(won.subject).toBe(`Has ganado el reto Maratón ${SCRIPT}`);
  // The entry level (threshold 0), reached by the first points before the win, is not news.
  expect((await mailsTo(stack, fanEmail)).filter((m) => m.subject.includes('Inicial'))).toEqual([]);
  expect(won.text).toContain(`Tu premio: 200 puntos y la insignia «Campeón ${SCRIPT}».`);
  expect(level.text).toContain(`Con 260 puntos acumulados has alcanzado el nivel Habitual ${SCRIPT}.`);
  expect(earned.subject).toBe(`Nueva insignia: Campeón ${SCRIPT}`);
  const { unsubscribeToken } = await stack.db.notificationPreference.findUniqueOrThrow({ where: { userId: fan.id } });
  for (const mail of [won, level, earned]) {
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.headers['list-unsubscribe']).toBe(`<http://app.test/unsubscribe?token=${unsubscribeToken}>`);
  }

  // Whoever turned marketing mail off got none of it, though it is in their feed.
  await marker(quietEmail, 1);
  expect((await mailsTo(stack, quietEmail)).map((m) => m.subject).filter((s) => !/contraseña|correo/.test(s))).toEqual(
    [],
  );
  const feed = await ok(stack, `{ me { notifications { edges { node { kind } } } } }`, {}, quiet.accessToken);
  expect(feed.me.notifications.edges.map((e: { node: { kind: string } }) => e.node.kind).sort()).toEqual([
    'badge-awarded',
    'challenge-won',
    'level-reached',
  ]);
  expect(await stack.db.notification.count({ where: { userId: quiet.id, status: 'SUPPRESSED' } })).toBe(3);

  // The one-click POST of the mail's header, at the gateway, stops the next one (a new level);
  // a password reset, transactional, still goes.
  const target = new URL(won.headers['list-unsubscribe']!.slice(1, -1));
  const res = await fetch(`${stack.gateway.url.replace(/\/graphql$/, '')}/unsubscribe${target.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(res.status).toBe(200);
  await adjust(fan.id, 5000);
  await eventually(() =>
    stack.db.notification.findFirst({ where: { userId: fan.id, template: 'level-reached', status: 'SUPPRESSED' } }),
  );
  await marker(fanEmail, 1);
  expect((await mailsTo(stack, fanEmail)).filter((m) => m.subject.includes('Leyenda'))).toEqual([]);
}, 180_000);
