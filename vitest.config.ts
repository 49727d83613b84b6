import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Process tests spawn daemons; two cores are all a machine has.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
