import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Random valid operations over a schema, with random and hostile argument values, for the
 * fuzz test: one root field per operation (so each answer says which field misbehaved), its
 * arguments as variables, and a selection a few levels deep. Deterministic for a seed.
 */

/** mulberry32: a small seeded generator, so a failing seed replays the same operations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  'a',
  '%%',
  '_%_',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '\u0000',
  'nul\u0000inside',
  '\uFFFF\uD800',
  '😀'.repeat(50),
  'x'.repeat(10_000),
  '../../etc/passwd',
  '{"$gt": ""}',
  '2026-02-30',
  '9999-12-31T23:59:59Z',
  '-1',
  'NaN',
  'ñandú@ejemplo.es',
  'a@b',
  'user@example.com',
  'https://example.com/x',
  'javascript:alert(1)',
  'Europe/Madrid',
  'Not/AZone',
  'eyJwIjoxfQ',
  'MTAwMDAwMDAwMDAwMA',
];
const HOSTILE_INTS = [0, 1, -1, 2, 5, 20, 100, 101, 1000, -2147483648, 2147483647];
const HOSTILE_FLOATS = [0, -0.5, 0.01, 1e-9, 3.14, 1e12, -1e12];

export interface FuzzOperation {
  query: string;
  variables: Record<string, unknown>;
  /** `Query.events`, `Mutation.register`: what the operation calls. */
  field: string;
}

export function operationGenerator(
  schema: GraphQLSchema,
  options: { random: () => number; ids: string[]; skip?: (field: string) => boolean },
) {
  const { random, ids } = options;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;

  const scalarValue = (type: GraphQLNamedType): unknown => {
    switch (type.name) {
      case 'Int':
        return pick(HOSTILE_INTS);
      case 'Float':
        return pick(HOSTILE_FLOATS);
      case 'Boolean':
        return chance(0.5);
      case 'ID':
        return chance(0.7) ? pick(ids) : pick(HOSTILE_STRINGS);
      case 'DateTime':
        return pick([new Date(Date.now() + (random() - 0.3) * 1e10).toISOString(), pick(HOSTILE_STRINGS)]);
      default:
        // String and custom scalars (Email, JSON...): mostly strings, sometimes a wrong type.
        return chance(0.9) ? pick([...HOSTILE_STRINGS, ...ids]) : pick([42, true, { a: 1 }, [1]]);
    }
  };

  const inputValue = (type: GraphQLInputType, depth: number): unknown => {
    if (isNonNullType(type)) return inputValue(type.ofType, depth);
    if (chance(0.05)) return null;
    if (isListType(type)) {
      return Array.from({ length: Math.floor(random() * 3) }, () => inputValue(type.ofType, depth + 1));
    }
    if (isEnumType(type)) return pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      const value: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (required || (depth < 3 && chance(0.5))) value[field.name] = inputValue(field.type, depth + 1);
      }
      return value;
    }
    return scalarValue(type);
  };

  const selection = (type: GraphQLNamedType, depth: number, variables: Variables): string => {
    if (isScalarType(type) || isEnumType(type)) return '';
    const possible: GraphQLObjectType[] = isObjectType(type)
      ? [type]
      : isUnionType(type)
        ? [...type.getTypes()]
        : isInterfaceType(type)
          ? [...schema.getPossibleTypes(type)]
          : [];
    const parts = ['__typename'];
    for (const object of possible) {
      const fields = Object.values(object.getFields());
      const chosen = fields.filter(() => chance(depth === 0 ? 0.6 : 0.35)).slice(0, 6);
      const body = chosen
        .map((field) => {
          const named = getNamedType(field.type);
          const leaf = isScalarType(named) || isEnumType(named);
          if (!leaf && depth >= 2) return '';
          const inner = leaf ? '' : selection(named, depth + 1, variables);
          return `${field.name}${argumentsOf(field, variables)}${inner ? ` { ${inner} }` : ''}`;
        })
        .filter(Boolean);
      if (body.length) parts.push(isObjectType(type) ? body.join(' ') : `... on ${object.name} { ${body.join(' ')} }`);
    }
    return parts.join(' ');
  };

  type Variables = { defs: string[]; values: Record<string, unknown> };
  const argumentsOf = (field: GraphQLField<unknown, unknown>, variables: Variables): string => {
    const passed = field.args.filter(
      (arg: GraphQLArgument) => (isNonNullType(arg.type) && arg.defaultValue === undefined) || chance(0.5),
    );
    if (!passed.length) return '';
    return `(${passed
      .map((arg) => {
        const name = `v${variables.defs.length}`;
        variables.defs.push(`$${name}: ${arg.type.toString()}`);
        variables.values[name] = inputValue(arg.type, 0);
        return `${arg.name}: $${name}`;
      })
      .join(', ')})`;
  };

  const roots = (['query', 'mutation'] as const).flatMap((kind) => {
    const type = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
    return Object.values(type?.getFields() ?? {})
      .filter((field) => !field.name.startsWith('_') && !options.skip?.(`${type!.name}.${field.name}`))
      .map((field) => ({ kind, typeName: type!.name, field }));
  });

  return (): FuzzOperation => {
    const { kind, typeName, field } = pick(roots);
    const variables: Variables = { defs: [], values: {} };
    const args = argumentsOf(field, variables);
    const named = getNamedType(field.type);
    const inner = selection(named, 0, variables);
    const defs = variables.defs.length ? `(${variables.defs.join(', ')})` : '';
    return {
      query: `${kind}${defs} { ${field.name}${args}${inner ? ` { ${inner} }` : ''} }`,
      variables: variables.values,
      field: `${typeName}.${field.name}`,
    };
  };
}
