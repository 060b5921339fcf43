import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // NodejsFunction bundling breaks under worker threads (TOOLCHAIN.md).
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A focused test must never pass CI silently.
    allowOnly: false,
    passWithNoTests: false,
    // Local runs print no EMF metric lines and send no traces (the handlers still call both).
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_ENABLED: 'false' },
  },
});
