import { execute, parse, type GraphQLObjectType } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { allow, isAdmin } from '../../shared/auth/rules';
import { shieldedSchema } from '../../shared/subgraph';

const typeDefs = parse(`
  type Query { thing: Thing, secret: String }
  type Thing { open: String, guarded: String, unruled: String }
  type Part { name: String }
`);
const ownOpen = () => 'open';
const resolvers = {
  Query: { thing: () => ({}), secret: () => 'secret' },
  Thing: { open: ownOpen, guarded: () => 'guarded', unruled: () => 'unruled' },
};

describe('shieldedSchema', () => {
  const schema = shieldedSchema(buildSubgraphSchema({ typeDefs, resolvers }), {
    Query: { thing: allow },
    Thing: { open: allow, guarded: isAdmin },
    Part: allow,
  });
  const run = (query: string, viewer: unknown = null) =>
    execute({ schema, document: parse(query), contextValue: { viewer } });

  it("gives plainly allowed fields their own resolver back, without shield's wrapper", () => {
    const thing = schema.getType('Thing') as GraphQLObjectType;
    expect(thing.getFields().open!.resolve).toBe(ownOpen);
    expect(thing.getFields().guarded!.resolve).not.toBe(resolvers.Thing.guarded);
  });

  it('still denies fields with another rule or none, and root fields keep their rules', async () => {
    const res = await run('{ thing { open guarded unruled } secret }');
    expect(res.data).toEqual({ thing: { open: 'open', guarded: null, unruled: null }, secret: null });
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['secret', 'UNAUTHENTICATED'],
      ['thing.guarded', 'UNAUTHENTICATED'],
      ['thing.unruled', 'UNAUTHENTICATED'],
    ]);
    const admin = await run('{ thing { guarded } }', { userId: 'a', roles: ['ADMIN'] });
    expect(admin).toEqual({ data: { thing: { guarded: 'guarded' } } });
  });
});
