import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Lab tests start real sshd nodes bound to fixed loopback addresses: one file at a time.
    fileParallelism: false,
    globalSetup: ['test/helpers/temp-root.ts'],
  },
});
