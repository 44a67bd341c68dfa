import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'src/**/*.test.ts',
      'mocks/**/*.test.ts',
      'fixtures/**/*.test.ts',
      'suites/**/*.test.ts',
      'reference-ics/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most tests wait on timers and sockets, not the CPU: one more worker than the CI machine's 2 cores.
    maxWorkers: 3,
  },
});
