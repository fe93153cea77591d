/**
 * Every type, field, argument, input field and enum value of every subgraph's SDL has a
 * description: the SDL is the API's documentation (Sandbox shows it), so an undocumented
 * argument is a defect. Root types (Query, Mutation, Subscription) are exempt: every subgraph
 * declares them. The composed supergraph is generated and not checked here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, visit, type ASTNode } from 'graphql';

const SCHEMA_DIR = path.join(__dirname, '..', 'schema');
const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.graphql') && f !== 'supergraph.graphql');

const DESCRIBED_DEFINITIONS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_DEFINITION,
]);

/** Coordinates (`Type`, `Type.field`, `Type.field(arg)`) that have no description. */
function undescribed(sdl: string): string[] {
  const missing: string[] = [];
  let type = '';
  let field: string | undefined;
  visit(parse(sdl), {
    enter(node: ASTNode) {
      if (DESCRIBED_DEFINITIONS.has(node.kind) || node.kind === Kind.OBJECT_TYPE_EXTENSION) {
        const named = node as { name: { value: string }; description?: unknown };
        type = named.name.value;
        field = undefined;
        // Root types are shared by every subgraph: composition would pick one subgraph's wording.
        const root = ['Query', 'Mutation', 'Subscription'].includes(type);
        if (node.kind !== Kind.OBJECT_TYPE_EXTENSION && !root && !named.description) missing.push(type);
      } else if (node.kind === Kind.FIELD_DEFINITION) {
        field = node.name.value;
        if (!node.description) missing.push(`${type}.${field}`);
      } else if (node.kind === Kind.INPUT_VALUE_DEFINITION) {
        if (!node.description)
          missing.push(field ? `${type}.${field}(${node.name.value})` : `${type}.${node.name.value}`);
      } else if (node.kind === Kind.ENUM_VALUE_DEFINITION) {
        if (!node.description) missing.push(`${type}.${node.name.value}`);
      }
    },
  });
  return missing;
}

test('there are subgraph schemas to check', () => {
  expect(files.length).toBeGreaterThanOrEqual(4);
});

test.each(files)('schema/%s describes every type, field, argument and enum value', (file) => {
  expect(undescribed(readFileSync(path.join(SCHEMA_DIR, file), 'utf8'))).toEqual([]);
});
