import { defineConfig } from 'vitest/config';

// Three layers, as in DESIGN.md: pure units, controllers against a real kube-apiserver (envtest),
// and end to end on the local fleet. Integration and e2e suites run one file at a time: they start
// real servers and these machines have two cores.
export default defineConfig({
  test: {
    projects: [
      // A few unit files start a process in a hook (the webhook's TLS process, under tsx): on a loaded
      // machine that alone has taken more than vitest's default 10 s, so hooks get a liveness bound
      // above the product's own 60 s start deadline, whose error then says what did not start.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 90_000, setupFiles: ['test/support/yield-between-tests.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Generous: a loaded run (load average 30) took 180 s for one mesh-bootstrap test that takes
          // 20 s on a quiet machine. A limit only ends a test that hangs; it asserts nothing.
          testTimeout: 360_000,
          hookTimeout: 360_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
