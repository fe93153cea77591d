import { randomUUID } from 'node:crypto';
import { CREDENTIAL_HEADER } from '../../shared/auth/credential';
import { checkout, eventOnSale, newAccount, ok, type Account } from '../helpers/commerce';
import { startStack, type Stack } from '../helpers/stack';

/**
 * One token verification and one session check per request, at the gateway, whatever the
 * number of subgraph fetches: subgraphs trust the gateway's viewer credential and read no
 * session (issue 15 §1). Counted with the stack's session lookup hook, which every service of
 * the stack checks sessions through.
 */

/** users (me), orders (orders, lines), tickets (ticket type, event), users again (seller): four fetches or more. */
const CROSS_SUBGRAPH = `{
  me {
    email
    orders(first: 5) {
      edges { node { id lines { quantity seller { id } ticketType { name event { title } } } } }
    }
  }
}`;

let stack: Stack;
let buyer: Account;
let organizer: Account;

beforeAll(async () => {
  stack = await startStack();
  organizer = await newAccount(stack, 'organizer', ['ORGANIZER']);
  buyer = await newAccount(stack, 'buyer');
  const { ticketTypeIds } = await eventOnSale(stack, organizer, [{ capacity: 10 }], 'Counted night');
  await checkout(stack, buyer.accessToken, [{ ticketTypeId: ticketTypeIds[0]!, quantity: 2 }]);
});
afterAll(() => stack.stop());

async function lookupsOf(run: () => Promise<unknown>): Promise<number> {
  const before = stack.sessionLookupCount();
  await run();
  return stack.sessionLookupCount() - before;
}

describe('session checks through the gateway', () => {
  it('costs one session lookup per request, for a one-subgraph query and a cross-subgraph one alike', async () => {
    expect(await lookupsOf(() => ok(stack, '{ me { id } }', {}, buyer.accessToken))).toBe(1);

    let data: { me: { email: string; orders: { edges: { node: { lines: unknown[] } }[] } } } | undefined;
    const lookups = await lookupsOf(async () => {
      data = await ok(stack, CROSS_SUBGRAPH, {}, buyer.accessToken);
    });
    // Fields of users, orders and tickets, and users again for the seller: the plan fetched from each.
    expect(data!.me.orders.edges[0]!.node.lines).toEqual([
      {
        quantity: 2,
        seller: { id: organizer.id },
        ticketType: { name: 'Type 1', event: { title: 'Counted night' } },
      },
    ]);
    expect(lookups).toBe(1);

    expect(
      await lookupsOf(() =>
        Promise.all(Array.from({ length: 5 }, () => ok(stack, CROSS_SUBGRAPH, {}, buyer.accessToken))),
      ),
    ).toBe(5);
    expect(await lookupsOf(() => ok(stack, '{ events(first: 3) { edges { node { title } } } }', {}))).toBe(0);
  });

  it('answers concurrent requests of several viewers each from its own session, a revoked one refused', async () => {
    const other = await newAccount(stack, 'other');
    const revoked = await newAccount(stack, 'revoked');
    const claims = JSON.parse(Buffer.from(revoked.accessToken.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
    };
    await stack.db.session.update({ where: { id: claims.sid }, data: { revokedAt: new Date() } });
    // Asked for in the same turn of the gateway's event loop, their sessions are read in one query.
    const answers = await Promise.all(
      [buyer, other, revoked, buyer].map((account) => stack.gql('{ me { id } }', {}, { token: account.accessToken })),
    );
    expect(answers.map((res) => res.data?.me?.id ?? res.errors?.[0]?.extensions?.code)).toEqual([
      buyer.id,
      other.id,
      'UNAUTHENTICATED',
      buyer.id,
    ]);
  });

  it('a subgraph refuses a forged or malformed credential, reading no session', async () => {
    const orders = stack.subgraphs.orders!.url;
    const call = (credential: string) =>
      fetch(orders, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CREDENTIAL_HEADER]: credential },
        body: JSON.stringify({ query: '{ myOrders(first: 1) { totalCount } }' }),
      });
    const claims = (exp: number) =>
      Buffer.from(JSON.stringify({ sub: buyer.id, roles: ['ADMIN'], sid: randomUUID(), tex: exp, exp })).toString(
        'base64url',
      );
    const lookups = await lookupsOf(async () => {
      // Not signed by the gateway's key.
      expect((await call(`${claims(Date.now() + 60_000)}.${Buffer.alloc(64).toString('base64url')}`)).status).toBe(401);
      expect((await call('not-a-credential')).status).toBe(401);
    });
    expect(lookups).toBe(0);
  });

  it('a subgraph called directly with a user token (outside production) verifies it fully: token and session', async () => {
    const users = stack.subgraphs.users!.url;
    const me = (token: string) =>
      fetch(users, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
    let status = 0;
    expect(
      await lookupsOf(async () => {
        const response = await me(buyer.accessToken);
        status = response.status;
        expect(await response.json()).toEqual({ data: { me: { id: buyer.id } } });
      }),
    ).toBe(1);
    expect(status).toBe(200);

    const other = await newAccount(stack, 'leaving');
    await ok(stack, `mutation($t: String!) { logout(refreshToken: $t) }`, { t: other.refreshToken });
    expect((await me(other.accessToken)).status).toBe(401);
  });
});
