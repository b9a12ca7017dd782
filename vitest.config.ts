import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CLI end-to-end tests spawn many node processes; two cores are all CI has.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
