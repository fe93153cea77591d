// Lint: typescript-eslint's type-checked rules plus the boundaries that keep every subgraph in
// the same shape (docs/architecture.md, "Layers"):
//   - Prisma (the generated client, @prisma/*, shared/db) only in a subgraph's `data/`, the
//     shared infrastructure that owns a table (the outbox), Prisma's own tooling and tests;
//   - a subgraph never imports another subgraph;
//   - `process.env` only in shared/config.ts (and the scripts that start processes);
//   - resolvers never import `data/`: they call domain services.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Every folder under subgraphs/ (the registry, shared/services.ts, lists the same ones). */
const SUBGRAPHS = readdirSync(new URL('./subgraphs/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const PRISMA_IMPORTS = {
  group: ['**/prisma/generated/**', '@prisma/*'],
  message: 'Prisma belongs to the data layer (subgraphs/<name>/src/data/): call a data function instead.',
};

/** Restricted-import patterns for files of one subgraph: every other subgraph is off limits. */
const otherSubgraphs = (name) =>
  SUBGRAPHS.filter((other) => other !== name).map((other) => ({
    group: [`**/subgraphs/${other}/**`, `../../${other}/**`, `../../../${other}/**`, `../../../../${other}/**`],
    message: `A subgraph never imports another subgraph (${name} -> ${other}): share through shared/ or talk through events and entity references.`,
  }));

const PROCESS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Read the environment only in shared/config.ts (loadConfig) and pass the parsed config down.',
};
const PRISMA_CALLS = {
  selector: 'MemberExpression[property.name=/^\\$(transaction|queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/]',
  message:
    'Prisma calls belong to data/: run a transaction with inTransaction() from shared/db, SQL in a data function.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.data/',
      'prisma/generated/',
      '**/__generated__/',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Resolvers and interface implementations are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
      // Our interfaces declare members in method syntax while implementations are closures that
      // never use `this`: the rule cannot tell the two apart.
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-syntax': ['error', PROCESS_ENV],
    },
  },
  // Prisma outside the data layer.
  {
    files: ['subgraphs/**/*.ts', 'gateway/**/*.ts', 'shared/**/*.ts'],
    ignores: ['subgraphs/*/src/data/**', 'subgraphs/*/test/**', 'gateway/test/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PRISMA_IMPORTS] }] },
  },
  // Shared infrastructure that owns its tables, and the clients' wiring.
  {
    files: [
      'shared/db.ts',
      'shared/events/outbox.ts',
      'shared/rate-limits.ts',
      'shared/service.ts',
      'shared/subgraph.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  // One subgraph never imports another; resolvers never import data/.
  ...SUBGRAPHS.flatMap((name) => [
    {
      files: [`subgraphs/${name}/**/*.ts`],
      ignores: [`subgraphs/${name}/src/data/**`, `subgraphs/${name}/test/**`],
      rules: {
        'no-restricted-imports': ['error', { patterns: [PRISMA_IMPORTS, ...otherSubgraphs(name)] }],
        'no-restricted-syntax': ['error', PROCESS_ENV, PRISMA_CALLS],
      },
    },
    {
      files: [`subgraphs/${name}/src/data/**/*.ts`, `subgraphs/${name}/test/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: otherSubgraphs(name) }] },
    },
    {
      files: [`subgraphs/${name}/src/resolvers/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              PRISMA_IMPORTS,
              ...otherSubgraphs(name),
              {
                group: ['../data/*', '../data', '**/src/data/**'],
                message: 'Resolvers call domain services, never data/ directly.',
              },
            ],
          },
        ],
      },
    },
  ]),
  // The one reader of the environment, and the launchers that hand an environment to children.
  {
    files: [
      'shared/config.ts',
      'scripts/**/*.ts',
      'prisma/tools/**/*.ts',
      'prisma.config.ts',
      'codegen.ts',
      'jest.config.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  // Tests may poke at internals with loose types.
  {
    files: ['test/**/*.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // GraphQL responses in tests are read loosely on purpose (`res.data.order.lines[0]`).
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Probes that exist only as stdin (test/lint-boundaries.test.ts proves each boundary rule
  // fires on them): no type information, so no project is needed.
  { files: ['**/lint-probe.ts'], ...tseslint.configs.disableTypeChecked },
  // The dashboard page's script runs in the browser as plain JavaScript (no build step).
  { files: ['gateway/dashboard/**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['gateway/dashboard/**/*.js'], languageOptions: { sourceType: 'script', globals: { ...globals.browser } } },
  prettier,
);
