/**
 * The layer boundaries are lint rules (eslint.config.mjs); this proves each one fires. Each probe
 * is linted from stdin under a path that exists only for this (`lint-probe.ts`, linted without
 * type information), so nothing is written to the tree.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

function lint(file: string, source: string): { exitCode: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file],
    { cwd: ROOT, input: source, encoding: 'utf8', timeout: 120_000 },
  );
  return { exitCode: run.status, output: `${run.stdout}${run.stderr}` };
}

const CASES: [what: string, file: string, source: string, rule: RegExp][] = [
  [
    'a Prisma import in a resolver',
    'subgraphs/orders/src/resolvers/lint-probe.ts',
    "import { PrismaClient } from '../../../../prisma/generated/prisma/client';\nexport const probe = PrismaClient;\n",
    /Prisma belongs to the data layer/,
  ],
  [
    'a resolver importing data/',
    'subgraphs/orders/src/resolvers/lint-probe.ts',
    "import * as orders from '../data/orders';\nexport const probe = orders;\n",
    /Resolvers call domain services/,
  ],
  [
    'a Prisma call in a domain service',
    'subgraphs/orders/src/domain/lint-probe.ts',
    "import type { Db } from '../../../../shared/db';\nexport const probe = (db: Db) => db.$transaction(async () => 1);\n",
    /Prisma calls belong to data/,
  ],
  [
    'one subgraph importing another',
    'subgraphs/tickets/src/domain/lint-probe.ts',
    "import { createLoaders } from '../../../orders/src/loaders';\nexport const probe = createLoaders;\n",
    /A subgraph never imports another subgraph \(tickets -> orders\)/,
  ],
  [
    'a process.env read outside the config',
    'subgraphs/support/src/lint-probe.ts',
    'export const probe = process.env.SECRET;\n',
    /Read the environment only in shared\/config.ts/,
  ],
];

describe('boundary rules', () => {
  test.each(CASES)(
    '%s fails the lint',
    (_what, file, source, rule) => {
      const { exitCode, output } = lint(file, source);
      expect(output).toMatch(rule);
      expect(exitCode).toBe(1);
    },
    120_000,
  );

  test('the same code in its own layer passes', () => {
    const { exitCode, output } = lint(
      'subgraphs/orders/src/domain/lint-probe.ts',
      "import { inTransaction, type Db } from '../../../../shared/db';\nexport const probe = (db: Db) => inTransaction(db, async () => 1);\n",
    );
    expect(output).toBe('');
    expect(exitCode).toBe(0);
  }, 120_000);
});
