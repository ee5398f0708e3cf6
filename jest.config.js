// One jest run for the whole repo, in three projects:
//   unit        *.test.ts       pure logic, stubs allowed, no servers
//   integration *.int.test.ts   real Temporal dev server, Redis, devnet (each file starts what it needs)
//   e2e         *.e2e.test.ts   the whole stack and headless Debian Chromium
const preset = require('./jest.preset.js');
const roots = ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/workflows', '<rootDir>/scripts', '<rootDir>/monitoring'];
const ignore = [...preset.testPathIgnorePatterns];

/** @type {import('jest').Config} */
module.exports = {
  // Per-project testTimeout is ignored by jest; integration and e2e tests start real servers.
  testTimeout: 120_000,
  // Integration and e2e files each start real servers (a Temporal dev server, a devnet, sometimes
  // Next and Chromium): on a 2-core machine more than two files at once starve each other into
  // timeouts. JEST_MAX_WORKERS (or --maxWorkers) raises it on a bigger machine.
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  projects: [
    {
      ...preset,
      displayName: 'unit',
      roots,
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [...ignore, '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    {
      ...preset,
      displayName: 'integration',
      roots,
      testMatch: ['**/*.int.test.ts'],
    },
    {
      ...preset,
      displayName: 'e2e',
      roots,
      testMatch: ['**/*.e2e.test.ts'],
    },
  ],
};
