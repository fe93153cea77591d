import type { Config } from 'jest';

/**
 * The test pyramid, one jest project per tier (`npm run test:<tier>`; `npm test` runs them all):
 *
 * - unit       `**\/*.unit.test.ts`: pure modules, no I/O. No globalSetup, so it runs in seconds
 *              without Postgres or Redis.
 * - subgraph   `subgraphs/<name>/test/**`: one subgraph in process on its own database
 *              (test/helpers/subgraph.ts), or the full stack where a test needs several.
 * - e2e        `test/**` and `gateway/test/**`: the gateway and the real subgraphs, in process.
 * - processes  `test/e2e/processes.test.ts`: the real entries as OS processes.
 *
 * The database tiers share one globalSetup/globalTeardown: jest runs a hook module once per run
 * however many selected projects name it. It picks a Postgres server and builds a migrated
 * template database (concurrent runs are safe: the template is built under a temporary name
 * and renamed); every test file clones its own database from it (test/helpers/db.ts), so files
 * run in parallel without sharing state.
 *
 * Tests are TypeScript run through ts-jest in transpile-only mode (tsconfig has
 * `isolatedModules`), so a test run does not type-check: `npm run typecheck` does.
 * Jest 29 loads this .ts file through ts-node (a devDependency for that reason only).
 */
const UNIT = '\\.unit\\.test\\.ts$';
const PROCESSES = '<rootDir>/test/e2e/processes.test.ts';

/**
 * Packages whose CommonJS build loads modules with `import()`, which jest's vm context refuses
 * (see below): compiled like our sources, their `import()` becomes `require()`. The OTLP
 * exporter's base loads `http`/`https` so (open-telemetry/opentelemetry-js#6035).
 */
const DYNAMIC_IMPORTERS = '@opentelemetry/otlp-exporter-base';

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        // tsconfig.json, except that `import()` compiles to `require()`: jest runs test code
        // in a vm context where a real dynamic import needs --experimental-vm-modules, and
        // the generated Prisma client loads its query compiler with `import()`.
        tsconfig: { module: 'commonjs', moduleResolution: 'node10' },
      },
    ],
    [`/${DYNAMIC_IMPORTERS}/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { module: 'commonjs', moduleResolution: 'node10', allowJs: true } },
    ],
  },
  // node_modules is not transformed, but for those packages (wherever npm nested them).
  transformIgnorePatterns: [`/node_modules/(?!(?:.*/)?${DYNAMIC_IMPORTERS}/)`],
  // Sources import siblings as `./x.js` (Node16 resolution; the generated Prisma client does):
  // map those to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
} satisfies Config;

const ignored = ['/node_modules/', '/dist/'];

const database = {
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
} satisfies Config;

const config: Config = {
  testTimeout: 30_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.unit.test.ts'],
      testPathIgnorePatterns: ignored,
    },
    {
      ...base,
      ...database,
      displayName: 'subgraph',
      testMatch: ['<rootDir>/subgraphs/*/test/**/*.test.ts'],
      testPathIgnorePatterns: [...ignored, UNIT],
    },
    {
      ...base,
      ...database,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/gateway/test/**/*.test.ts'],
      testPathIgnorePatterns: [...ignored, UNIT, PROCESSES],
    },
    {
      ...base,
      ...database,
      displayName: 'processes',
      testMatch: [PROCESSES],
      testPathIgnorePatterns: ignored,
    },
  ],
};

export default config;
