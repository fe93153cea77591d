import { startStack, type Stack } from '../helpers/stack';
import { signUp } from '../helpers/users';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id name email profile { phone } } } }`;
const PUBLIC = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id name } } }`;

describe('the users subgraph called directly, around the gateway', () => {
  test('_entities resolves the public identity of a User for anyone', async () => {
    const alice = await signUp(stack, 'alice@example.com');
    const res = await stack.gql(PUBLIC, { reps: [{ __typename: 'User', id: alice.id }] }, { url: stack.users.url });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ _entities: [{ id: alice.id, name: 'alice' }] });
  });

  test('_entities returns no email or profile without a permitted token', async () => {
    const bob = await signUp(stack, 'bob@example.com');
    const eve = await signUp(stack, 'eve@example.com');
    for (const token of [undefined, eve.accessToken]) {
      const res = await stack.gql(
        ENTITIES,
        { reps: [{ __typename: 'User', id: bob.id }] },
        { url: stack.users.url, token },
      );
      expect(JSON.stringify(res.data ?? {})).not.toContain('bob@example.com');
      expect(res.data?._entities?.[0] ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe(token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });

  test('_entities shows the email to the user themself, batched in key order', async () => {
    const carol = await signUp(stack, 'carol@example.com');
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await stack.gql(
      PUBLIC,
      { reps: [missing, carol.id, 'not-a-uuid'].map((id) => ({ __typename: 'User', id })) },
      { url: stack.users.url },
    );
    expect(res.data!._entities).toEqual([null, { id: carol.id, name: 'carol' }, null]);
    const own = await stack.gql(
      ENTITIES,
      { reps: [{ __typename: 'User', id: carol.id }] },
      { url: stack.users.url, token: carol.accessToken },
    );
    expect(own.data).toEqual({
      _entities: [{ id: carol.id, name: 'carol', email: 'carol@example.com', profile: { phone: null } }],
    });
  });

  test('_service (the SDL for composition) is served', async () => {
    const res = await stack.gql(`{ _service { sdl } }`, {}, { url: stack.users.url });
    expect(res.data!._service.sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });
});
