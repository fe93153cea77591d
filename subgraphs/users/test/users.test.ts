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
