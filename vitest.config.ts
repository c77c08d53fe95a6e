import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Each file makes its own database and queue prefix, so files run in parallel safely.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // expect.poll waits for what a user would see; its 1 s default is too short on a busy 2-core machine.
    expect: { poll: { timeout: 15_000 } },
  },
});
