// `npm run e2e`: the end-to-end tests in e2e/, in Node, one file after the other (each starts
// its own server and browser), the steps of a file in order.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A failed step leaves the rest of its file meaningless: stop there.
    bail: 1,
  },
});
