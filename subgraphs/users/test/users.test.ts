import { startSubgraph, type InProcessSubgraph } from '../../../test/helpers/subgraph';

let sg: InProcessSubgraph;
beforeAll(async () => {
  sg = await startSubgraph('users');
});
afterAll(() => sg.stop());

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { user { id email } } }`;
const ENTITIES = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id name email } } }`;

async function register(email: string): Promise<string> {
  const res = await sg.execute<{ register: { user: { id: string } } }>(REGISTER, {
    input: { email, password: 'correct horse battery', name: 'Ana' },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.register.user.id;
}

describe('User @key(id) through _entities', () => {
  test('resolves a user for its owner, with private fields', async () => {
    const id = await register('entity-owner@example.com');
    const res = await sg.execute(ENTITIES, { reps: [{ __typename: 'User', id }] }, sg.viewer('CUSTOMER', id));
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([{ id, name: 'Ana', email: 'entity-owner@example.com' }]);
  });

  test('an anonymous caller is refused, and learns nothing', async () => {
    const id = await register('entity-anon@example.com');
    const res = await sg.execute(ENTITIES, { reps: [{ __typename: 'User', id }] });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res.data ?? null)).not.toContain('entity-anon@example.com');
  });
});

describe('users (ADMIN list)', () => {
  const LIST = `query ($after: String) { users(first: 1, after: $after) { totalCount edges { node { email } } pageInfo { hasNextPage endCursor } } }`;

  test('pages with the cursor it returned', async () => {
    await register('page-a@example.com');
    await register('page-b@example.com');
    const admin = sg.viewer('ADMIN');
    const first = await sg.execute(LIST, {}, admin);
    expect(first.errors).toBeUndefined();
    const page = first.data!.users;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await sg.execute(LIST, { after: page.pageInfo.endCursor }, admin);
    expect(second.errors).toBeUndefined();
    expect(second.data!.users.edges[0].node.email).not.toBe(page.edges[0].node.email);
  });

  test.each([
    ['not base64 JSON', 'x'],
    ['a forged key', Buffer.from(JSON.stringify({ c: 'nope', i: '1' })).toString('base64url')],
    ['a key of another list', Buffer.from(JSON.stringify({ s: new Date().toISOString() })).toString('base64url')],
  ])('a junk cursor (%s) is BAD_USER_INPUT on `after`', async (_name, after) => {
    const res = await sg.execute(LIST, { after }, sg.viewer('ADMIN'));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('a customer may not list users', async () => {
    const res = await sg.execute(LIST, {}, sg.viewer('CUSTOMER'));
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
  });
});
