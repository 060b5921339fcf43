import { configDefaults, defineConfig } from 'vitest/config';
import base, { SLOW_TESTS } from './vitest.config.js';

/**
 * The slow tier (`npm run test:slow`): the `*.slow.test.ts` files `npm test` leaves out — the
 * benchmark smoke, the full fault matrix, full-size property runs, the CLI, browser and sandbox
 * end to end. `.ci/run` runs both tiers (docs/decisions/015).
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [SLOW_TESTS],
    exclude: [...configDefaults.exclude],
    // Each slow file in a fresh process: they spawn CLIs, browsers and sandboxes, and are few (docs/decisions/018).
    isolate: true,
    setupFiles: [],
  },
});
