import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** Test files of the slow tier (`npm run test:slow`); `npm test` runs every other test file (docs/decisions/015). */
export const SLOW_TESTS = 'test/**/*.slow.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, SLOW_TESTS],
    // NodejsFunction bundling breaks under worker threads (TOOLCHAIN.md).
    pool: 'forks',
    // vitest's default is one worker per core but one: a single worker on two cores, which leaves a core idle while it waits on moto.
    maxWorkers: Math.max(2, availableParallelism()),
    // One moto server per worker for the whole run; each file resets its worker's (test/support/moto.ts).
    globalSetup: ['test/support/motoGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A focused test must never pass CI silently.
    allowOnly: false,
    passWithNoTests: false,
    // Local runs print no EMF metric lines and send no traces (the handlers still call both).
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_ENABLED: 'false' },
  },
});
