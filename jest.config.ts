import type { Config } from 'jest';

/**
 * Tests are TypeScript run through ts-jest in transpile-only mode (tsconfig has
 * `isolatedModules`), so a test run does not type-check: `npm run typecheck` does.
 * globalSetup picks a Postgres server and builds a migrated template database once per run;
 * every test file then clones its own database from it (test/helpers/db.ts), so files run in
 * parallel without sharing state.
 *
 * Jest 29 loads this .ts file through ts-node (a devDependency for that reason only).
 */
const config: Config = {
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
  },
  testMatch: [
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/subgraphs/*/test/**/*.test.ts',
    '<rootDir>/gateway/test/**/*.test.ts',
  ],
  // Sources import siblings as `./x.js` (Node16 resolution; the generated Prisma client does):
  // map those to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
  testTimeout: 30_000,
};

export default config;
